// ChunkFetcher: opens the chunk a query needs, wherever the store keeps it. On a local store
// (a bucket whose objects are plain files) the file is mapped in place, as before object
// storage existed; on a remote one the ObjectCache's copy is mapped, or the object is
// downloaded, checked against the CRC32C its name carries (an S3 server that rewrites objects in
// place may hand out a mix of two writes: fetched once more, then reported) and cached.
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
#include "objstore/bucket.h"
#include "store/object_cache.h"

namespace store {

class ChunkFetcher {
 public:
  // `cache` may be null (remote chunks are then downloaded for every query).
  ChunkFetcher(std::shared_ptr<objstore::Bucket> bucket, ObjectCache* cache)
      : bucket_(std::move(bucket)), cache_(cache) {}

  // The chunk `ref_file` (<day>/<name>, as index refs name it) of `tenant`.
  util::Result<chunk::ChunkReader> open(const std::string& tenant, const std::string& ref_file) const;

  objstore::Bucket& bucket() const { return *bucket_; }

 private:
  std::shared_ptr<objstore::Bucket> bucket_;
  ObjectCache* cache_;
};

// The CRC32C a store chunk name carries ("<fp>-<min>-<max>-<crc>.chunk"); nullopt for other names.
std::optional<uint32_t> chunk_name_crc(std::string_view name);

}  // namespace store
