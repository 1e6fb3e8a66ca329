// Target: the store a maintenance run (logchunk, logidx, logd's compactor) works on: a bucket
// (a local store directory or s3://bucket/prefix), the writer id the run's index files carry,
// and how long replaced objects stay before they are deleted (0: at once, as on a local store,
// whose readers see a directory change immediately; on a shared bucket, a delay that readers
// holding an older listing tolerate, see pending_deletions.h).
//
// Also the reads every command shares: tenants, chunk objects, index files, chunks.
//
// Plain data and functions over the bucket; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chunk/chunk_reader.h"
#include "chunk/segment.h"
#include "index/index_reader.h"
#include "objstore/bucket.h"
#include "util/clock.h"
#include "util/result.h"

namespace maint {

struct Target {
  std::shared_ptr<objstore::Bucket> bucket;
  std::string writer_id = "maint";
  int64_t delete_delay_ns = 0;
  util::Clock* clock = &util::system_clock();

  // Whether the bucket keeps its objects as local files (read in place, deletes seen at once).
  bool local() const { return !bucket->local_file("x").empty(); }
};

// A local store directory (<data>/store) as a target.
Target local_target(const std::string& store_dir);

// What `--store` says, as for `logcli --store`: "s3://bucket/prefix" (credentials and endpoint
// from the AWS_* environment), or a logd data directory (or "file:///dir"), whose store is
// <dir>/store. The bucket is check()ed, so a missing bucket or wrong credentials are one clear
// error naming it. `data_dir` is set to the data directory for a local store, "" for S3.
util::Result<Target> open_target(const std::string& store_location, std::string* data_dir = nullptr);

// Tenants of the store, sorted: the common prefixes of a '/'-delimited listing of its top level
// (names the store would refuse, and the store's own "@..." objects, are skipped).
util::Result<std::vector<std::string>> list_tenants(const Target& target);

// Every chunk and segment object of `tenant`, by path ("<YYYY-MM-DD>/<name>"), with its size and
// modification time. Other keys under <tenant>/chunks/ are ignored.
struct ChunkObject {
  uint64_t size = 0;
  int64_t modified_ns = 0;
};
util::Result<std::map<std::string, ChunkObject>> list_chunk_objects(const Target& target, const std::string& tenant);

// One chunk of `tenant` by chunk id (idx::ChunkRef::id: a chunk object's path, or a byte range of
// a segment), mapped in place or downloaded (kNotFound when missing).
util::Result<chunk::ChunkReader> open_chunk(const Target& target, const std::string& tenant, const std::string& file);

// The same, as stored: not checked against the CRC32C in its name (for `logidx verify`, which
// reports each problem itself).
util::Result<chunk::ChunkReader> read_chunk_as_stored(const Target& target, const std::string& tenant,
                                                      const std::string& file);

// A segment object of `tenant` by path, mapped in place or downloaded, its trailer checked.
util::Result<chunk::SegmentReader> open_segment(const Target& target, const std::string& tenant,
                                                const std::string& file);

// One index file by key, mapped in place or downloaded, validated.
util::Result<idx::IndexReader> read_index_file(const Target& target, const std::string& key);

// A fresh index file name for this run (unique per process and writer id).
std::string next_index_name(const Target& target);

}  // namespace maint
