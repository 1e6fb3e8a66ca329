#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "store/object_cache.h"
#include "store_test_util.h"
#include "util/clock.h"

using store::CacheKind;
using store::ObjectCache;
using store::ObjectCacheOptions;
using store_test::TempDir;

namespace {

std::unique_ptr<ObjectCache> open_cache(const std::string& dir, uint64_t max_bytes, util::Clock& clock,
                                        int64_t ttl = 0) {
  auto c = ObjectCache::open(ObjectCacheOptions{dir, max_bytes, ttl, &clock});
  REQUIRE_MESSAGE(c.ok(), c.error());
  return std::move(*c);
}

std::string bytes(size_t n, char c) { return std::string(n, c); }

}  // namespace

TEST_CASE("object cache: hits and misses, the least recently used file goes first") {
  TempDir dir;
  util::FakeClock clock;
  auto cache = open_cache(dir.path, 300, clock);
  CHECK(cache->find("t/chunks/2024-01-01/a", CacheKind::kChunk) == nullptr);
  cache->insert("t/chunks/2024-01-01/a", bytes(100, 'a'), CacheKind::kChunk);
  clock.advance(1);
  cache->insert("t/chunks/2024-01-01/b", bytes(100, 'b'), CacheKind::kChunk);
  clock.advance(1);
  cache->insert("t/index/2024-01-01/i.idx", bytes(100, 'i'), CacheKind::kIndex);
  clock.advance(1);
  auto a = cache->find("t/chunks/2024-01-01/a", CacheKind::kChunk);  // a is now the most recent
  REQUIRE(a != nullptr);
  CHECK(a->data() == bytes(100, 'a'));
  cache->insert("t/chunks/2024-01-01/c", bytes(100, 'c'), CacheKind::kChunk);  // 400 > 300: b goes
  CHECK(cache->find("t/chunks/2024-01-01/b", CacheKind::kChunk) == nullptr);
  CHECK(cache->find("t/index/2024-01-01/i.idx", CacheKind::kIndex) != nullptr);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/t/chunks/2024-01-01/b"));
  auto st = cache->stats();
  CHECK(st.bytes == 300);
  CHECK(st.files == 3);
  CHECK(st.hits[0] == 1);
  CHECK(st.misses[0] == 2);
  CHECK(st.hits[1] == 1);
  CHECK(st.evictions[0] == 1);
  // A mapping handed out survives its file's eviction.
  cache->insert("t/chunks/2024-01-01/d", bytes(250, 'd'), CacheKind::kChunk);
  CHECK(a->data() == bytes(100, 'a'));
  // An object larger than the whole cache is not kept.
  cache->insert("t/chunks/2024-01-01/huge", bytes(301, 'h'), CacheKind::kChunk);
  CHECK(cache->find("t/chunks/2024-01-01/huge", CacheKind::kChunk) == nullptr);
  CHECK(cache->stats().bytes <= 300);
}

TEST_CASE("object cache: a restart keeps the files and their recency; leftovers of a crash are removed") {
  TempDir dir;
  util::FakeClock clock;
  {
    auto cache = open_cache(dir.path, 1000, clock);
    cache->insert("t/chunks/d/old", bytes(100, 'o'), CacheKind::kChunk);
    clock.advance(1'000'000'000);
    cache->insert("t/chunks/d/new", bytes(100, 'n'), CacheKind::kChunk);
    clock.advance(1'000'000'000);
    REQUIRE(cache->find("t/chunks/d/old", CacheKind::kChunk) != nullptr);  // old is used last
  }
  std::ofstream(dir.path + "/t/chunks/d/x.tmp.123.4") << "cut short";
  auto cache = open_cache(dir.path, 150, clock);  // room for one: the least recent (new) goes
  CHECK_FALSE(std::filesystem::exists(dir.path + "/t/chunks/d/x.tmp.123.4"));
  CHECK(cache->find("t/chunks/d/old", CacheKind::kChunk) != nullptr);
  CHECK(cache->find("t/chunks/d/new", CacheKind::kChunk) == nullptr);
  CHECK(cache->stats().files == 1);
}

TEST_CASE("object cache: files unused for the TTL are swept; erase drops a copy") {
  TempDir dir;
  util::FakeClock clock;
  auto cache = open_cache(dir.path, 1000, clock, 60'000'000'000);
  cache->insert("t/index/d/a.idx", "a", CacheKind::kIndex);
  clock.advance(30'000'000'000);
  cache->insert("t/index/d/b.idx", "b", CacheKind::kIndex);
  clock.advance(40'000'000'000);
  CHECK(cache->sweep() == 1);
  CHECK(cache->find("t/index/d/a.idx", CacheKind::kIndex) == nullptr);
  CHECK(cache->find("t/index/d/b.idx", CacheKind::kIndex) != nullptr);
  cache->erase("t/index/d/b.idx");
  CHECK(cache->find("t/index/d/b.idx", CacheKind::kIndex) == nullptr);
  CHECK(cache->stats().bytes == 0);
}

TEST_CASE("object cache: a zero limit keeps nothing") {
  TempDir dir;
  util::FakeClock clock;
  auto cache = open_cache(dir.path, 0, clock);
  cache->insert("t/chunks/d/a", "a", CacheKind::kChunk);
  CHECK(cache->find("t/chunks/d/a", CacheKind::kChunk) == nullptr);
}
