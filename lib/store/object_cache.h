// ObjectCache: a bounded local copy of objects downloaded from a remote store (chunks and index
// files), kept as files under one directory with the objects' keys as paths, evicted least
// recently used first once their total size passes a byte limit, and optionally dropped once
// unused for a TTL (Loki's tsdb_shipper.cache_ttl).
//
// Nothing here is durable or trusted: files are written without fsync, and every reader checks
// what it reads (chunk CRCs, index checksums) and erase()s a copy that fails, so a crash that
// leaves a cut file costs one download. The recency order survives restarts through the files'
// modification times (set on every hit). A mapping handed out stays valid when its file is
// evicted meanwhile.
//
// Thread-safe: every method may be called concurrently.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fsutil/mapped_file.h"
#include "util/clock.h"
#include "util/result.h"

namespace store {

enum class CacheKind { kChunk = 0, kIndex = 1 };
inline constexpr size_t kCacheKinds = 2;
const char* cache_kind_name(CacheKind kind);  // "chunk", "index"

struct ObjectCacheOptions {
  std::string dir;
  uint64_t max_bytes = 1ULL << 30;  // 0: nothing is kept
  int64_t ttl_ns = 0;               // sweep() drops files unused this long; 0: never
  util::Clock* clock = nullptr;     // null: the system clock
};

struct ObjectCacheStats {
  std::array<uint64_t, kCacheKinds> hits{}, misses{}, evictions{}, inserts{};
  uint64_t bytes = 0;  // held now
  uint64_t files = 0;
  uint64_t max_bytes = 0;
};

class ObjectCache {
 public:
  // Creates the directory if missing and takes in the files already there (a warm restart);
  // leftover temporary files are removed.
  static util::Result<std::unique_ptr<ObjectCache>> open(ObjectCacheOptions options);

  // The cached copy of `key`, mapped, counted as a hit; nullptr (counted as a miss) when absent.
  std::shared_ptr<const fsutil::MappedFile> find(const std::string& key, CacheKind kind);
  // Keeps a copy of `data` as `key`, then evicts least recently used files past the limit. A
  // failure to write only means the object is not cached (and is not reported).
  void insert(const std::string& key, std::string_view data, CacheKind kind);
  // Drops the copy of `key` (it failed its checks, or the object is gone from the store).
  void erase(const std::string& key);
  // Drops the copies unused for longer than the TTL; returns how many.
  size_t sweep();

  ObjectCacheStats stats() const;
  const std::string& dir() const { return options_.dir; }

 private:
  struct Entry {
    std::string key;
    uint64_t size = 0;
    int64_t used_ns = 0;
    CacheKind kind = CacheKind::kChunk;
  };
  explicit ObjectCache(ObjectCacheOptions options);
  std::string path_of(const std::string& key) const { return options_.dir + "/" + key; }
  void scan();
  // Requires mu_. Removes entries from the cold end until `bytes_` fits the limit.
  void evict_locked();
  void remove_locked(std::list<Entry>::iterator it, bool count_eviction);
  int64_t now() const { return options_.clock->now_ns(); }

  ObjectCacheOptions options_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front: least recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
  uint64_t bytes_ = 0;
  std::array<std::atomic<uint64_t>, kCacheKinds> hits_{}, misses_{}, evictions_{}, inserts_{};
};

}  // namespace store
