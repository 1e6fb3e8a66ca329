// ChunkFetcher: opens the chunk a query needs, wherever the store keeps it. On a local store
// (a bucket whose objects are plain files) the file is mapped in place, as before object
// storage existed; on a remote one the ObjectCache's copy is mapped, or the object is
// downloaded, checked against the CRC32C its name carries (an S3 server that rewrites objects in
// place may hand out a mix of two writes: fetched once more, then reported) and cached. A chunk
// packed in a segment object (chunk/segment.h) is its byte range of the segment: a slice of the
// mapped segment file locally, a ranged GET remotely (cached under "<segment key>@<range>"), read
// with the chunk's own checks.
//
// Errors: kNotFound (the chunk is gone: retention or a compaction removed it), kCorruption (it
// fails its checks), anything else from the store (kUnavailable: it does not answer), each
// message naming the chunk and the store.
//
// Thread-safe: no mutable state of its own.
#pragma once

#include <memory>
#include <string>

#include "chunk/chunk_reader.h"
#include "index/index_format.h"
#include "objstore/bucket.h"
#include "store/object_cache.h"

namespace store {

class ChunkFetcher {
 public:
  // `cache` may be null (remote chunks are then downloaded for every query).
  ChunkFetcher(std::shared_ptr<objstore::Bucket> bucket, ObjectCache* cache)
      : bucket_(std::move(bucket)), cache_(cache) {}

  // The chunk `ref` of `tenant`.
  util::Result<chunk::ChunkReader> open(const std::string& tenant, const idx::ChunkRef& ref) const;
  // The chunk with id `chunk_id` (idx::ChunkRef::id: <day>/<name>, or <day>/<segment>@<offset>+<length>).
  util::Result<chunk::ChunkReader> open(const std::string& tenant, const std::string& chunk_id) const;

  objstore::Bucket& bucket() const { return *bucket_; }

 private:
  util::Result<chunk::ChunkReader> open_whole(const std::string& key) const;
  util::Result<chunk::ChunkReader> open_range(const std::string& key, uint64_t offset, uint64_t length) const;

  std::shared_ptr<objstore::Bucket> bucket_;
  ObjectCache* cache_;
};

// The CRC32C a store chunk name carries ("<fp>-<min>-<max>-<crc>.chunk"); nullopt for other names.
std::optional<uint32_t> chunk_name_crc(std::string_view name);

}  // namespace store
