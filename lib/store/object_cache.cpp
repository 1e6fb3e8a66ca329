#include "store/object_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <vector>

#include "fsutil/atomic_file.h"

namespace store {
namespace {

std::atomic<uint64_t> temp_counter{0};

// Writes `data` to `path` through a temporary file and a rename, without fsync: a cache copy
// need not survive a crash, only never be seen half written by a concurrent reader.
bool write_copy(const std::string& path, std::string_view data) {
  std::string dir = fsutil::parent_directory(path);
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(temp_counter.fetch_add(1));
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == ENOENT && attempt == 0 && fsutil::create_directories(dir).ok()) continue;
      return false;
    }
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    bool ok = ::close(fd) == 0 && done == data.size() && ::rename(tmp.c_str(), path.c_str()) == 0;
    if (!ok) ::unlink(tmp.c_str());
    return ok;
  }
  return false;
}

CacheKind kind_of_key(std::string_view key) {
  return key.find("/index/") != std::string_view::npos ? CacheKind::kIndex : CacheKind::kChunk;
}

// The file's modification time keeps the recency order across restarts.
void touch(const std::string& path, int64_t t) {
  struct timespec times[2] = {{t / 1'000'000'000, t % 1'000'000'000}, {t / 1'000'000'000, t % 1'000'000'000}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

int64_t mtime_ns(const struct stat& st) { return int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec; }

}  // namespace

const char* cache_kind_name(CacheKind kind) { return kind == CacheKind::kIndex ? "index" : "chunk"; }

ObjectCache::ObjectCache(ObjectCacheOptions options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = &util::system_clock();
  while (options_.dir.size() > 1 && options_.dir.back() == '/') options_.dir.pop_back();
}

util::Result<std::unique_ptr<ObjectCache>> ObjectCache::open(ObjectCacheOptions options) {
  if (options.dir.empty()) return util::invalid_argument("cache directory is empty");
  if (auto s = fsutil::create_directories(options.dir); !s.ok()) return util::Error{"cache: " + s.error(), s.code()};
  std::unique_ptr<ObjectCache> cache(new ObjectCache(std::move(options)));
  cache->scan();
  return cache;
}

void ObjectCache::scan() {
  std::vector<Entry> found;
  std::error_code ec;
  const size_t root_len = options_.dir.size() + 1;
  for (auto it = std::filesystem::recursive_directory_iterator(options_.dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string path = it->path().string();
    if (fsutil::is_atomic_write_temporary(it->path().filename().string()) ||
        path.find(".tmp.") != std::string::npos) {
      ::unlink(path.c_str());  // a copy cut short by a crash
      continue;
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || path.size() <= root_len) continue;
    std::string key = path.substr(root_len);
    found.push_back(Entry{key, static_cast<uint64_t>(st.st_size), mtime_ns(st), kind_of_key(key)});
  }
  std::sort(found.begin(), found.end(), [](const Entry& a, const Entry& b) { return a.used_ns < b.used_ns; });
  std::lock_guard lock(mu_);
  for (auto& e : found) {
    bytes_ += e.size;
    lru_.push_back(std::move(e));
    by_key_[lru_.back().key] = std::prev(lru_.end());
  }
  evict_locked();
}

std::shared_ptr<const fsutil::MappedFile> ObjectCache::find(const std::string& key, CacheKind kind) {
  auto& miss = misses_[static_cast<size_t>(kind)];
  {
    std::lock_guard lock(mu_);
    auto it = by_key_.find(key);
    if (it == by_key_.end()) {
      miss.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    it->second->used_ns = now();
    lru_.splice(lru_.end(), lru_, it->second);
  }
  std::string path = path_of(key);
  auto file = fsutil::MappedFile::open(path);
  if (!file.ok()) {  // removed behind our back
    erase(key);
    miss.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  touch(path, now());
  hits_[static_cast<size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
  return std::make_shared<const fsutil::MappedFile>(std::move(*file));
}

void ObjectCache::insert(const std::string& key, std::string_view data, CacheKind kind) {
  if (options_.max_bytes == 0 || data.size() > options_.max_bytes) return;
  if (!write_copy(path_of(key), data)) return;
  touch(path_of(key), now());
  inserts_[static_cast<size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    bytes_ -= it->second->size;
    lru_.erase(it->second);
    by_key_.erase(it);
  }
  lru_.push_back(Entry{key, data.size(), now(), kind});
  by_key_[key] = std::prev(lru_.end());
  bytes_ += data.size();
  evict_locked();
}

void ObjectCache::remove_locked(std::list<Entry>::iterator it, bool count_eviction) {
  ::unlink(path_of(it->key).c_str());
  if (count_eviction) evictions_[static_cast<size_t>(it->kind)].fetch_add(1, std::memory_order_relaxed);
  bytes_ -= it->size;
  by_key_.erase(it->key);
  lru_.erase(it);
}

void ObjectCache::evict_locked() {
  while (bytes_ > options_.max_bytes && !lru_.empty()) remove_locked(lru_.begin(), true);
}

void ObjectCache::erase(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = by_key_.find(key);
  if (it != by_key_.end()) {
    remove_locked(it->second, false);
  } else {
    ::unlink(path_of(key).c_str());
  }
}

size_t ObjectCache::sweep() {
  if (options_.ttl_ns <= 0) return 0;
  int64_t cutoff = now() - options_.ttl_ns;
  size_t removed = 0;
  std::lock_guard lock(mu_);
  while (!lru_.empty() && lru_.front().used_ns < cutoff) {
    remove_locked(lru_.begin(), true);
    ++removed;
  }
  return removed;
}

ObjectCacheStats ObjectCache::stats() const {
  ObjectCacheStats s;
  for (size_t k = 0; k < kCacheKinds; ++k) {
    s.hits[k] = hits_[k].load(std::memory_order_relaxed);
    s.misses[k] = misses_[k].load(std::memory_order_relaxed);
    s.evictions[k] = evictions_[k].load(std::memory_order_relaxed);
    s.inserts[k] = inserts_[k].load(std::memory_order_relaxed);
  }
  std::lock_guard lock(mu_);
  s.bytes = bytes_;
  s.files = lru_.size();
  s.max_bytes = options_.max_bytes;
  return s;
}

}  // namespace store
