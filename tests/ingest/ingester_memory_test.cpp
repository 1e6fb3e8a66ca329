// Ingester memory ceiling (IngesterOptions::memory_ceiling): early flushes of the oldest streams,
// 429 when flushing cannot make room, recovery once the store takes writes again.
#include <random>
#include <string>

#include "ingest/head_block.h"
#include "ingest_test_util.h"

using namespace ingest_test;

namespace {

// `n` entries of `line_size` random (incompressible) bytes each, timestamps from `ts`: cutting
// them into a chunk frees almost nothing, so only a flush to the store makes room.
push::Stream lines(const model::LabelSet& labels, int64_t ts, int n, size_t line_size) {
  push::Stream s{labels, {}};
  std::mt19937 random(static_cast<uint32_t>(ts));
  for (int i = 0; i < n; ++i) {
    std::string line(line_size, ' ');
    for (char& ch : line) ch = static_cast<char>('!' + random() % 90);
    s.entries.push_back({ts + i, std::move(line), {}});
  }
  return s;
}

// What the ceiling counts for one entry without metadata.
constexpr uint64_t kEntry = 1000 + sizeof(ingest::HeadEntry);

// An ingester with a memory ceiling over a FakeStore (failing from the start if `store_fails`).
struct CeilingFixture {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  std::unique_ptr<ingest::Ingester> ing;
  CeilingFixture(uint64_t ceiling, bool store_fails = false) {
    store.fail = store_fails;
    auto o = test_options(dir.path, clock);
    o.memory_ceiling = ceiling;
    o.chunk_target_size = 1 << 30;  // no size cuts: only the ceiling flushes
    auto opened = ingest::Ingester::open(o, store);
    REQUIRE(opened.ok());
    ing = std::move(*opened);
  }
};

}  // namespace

TEST_CASE("ingester memory: the oldest streams are flushed early and memory stays under the ceiling") {
  CeilingFixture f(100 * kEntry);
  auto& store = f.store;
  auto& clock = f.clock;
  auto& ing = f.ing;
  model::LabelSet a{{"app", "a"}}, b{{"app", "b"}}, c{{"app", "c"}};
  REQUIRE(ing->push("t", {lines(a, 1000, 40, 1000)}).ok());
  clock.advance(1'000'000'000);
  REQUIRE(ing->push("t", {lines(b, 2000, 40, 1000)}).ok());
  clock.advance(1'000'000'000);
  CHECK(ing->stats_snapshot().memory_bytes == 80 * kEntry);
  CHECK(store.chunk_count("t") == 0);
  // 40 more do not fit under 100: the oldest stream (a) goes to the store, b stays in memory.
  REQUIRE(ing->push("t", {lines(c, 3000, 40, 1000)}).ok());
  auto stats = ing->stats_snapshot();
  CHECK(stats.memory_bytes == 80 * kEntry);
  CHECK(stats.memory_early_flushes == 1);
  CHECK(stats.memory_refusals == 0);
  REQUIRE(store.chunk_count("t") == 1);
  CHECK(store.written["t"][0].labels == a);
  CHECK(store.entries("t").size() == 40);
  CHECK(select(*ing, "t", {eq("app", "b")}).size() == 40);
  CHECK(select(*ing, "t", {eq("app", "c")}).size() == 40);
  CHECK(select(*ing, "t", {eq("app", "a")}).empty());  // served by the store now
  // Flushing everything brings the count back to zero.
  REQUIRE(ing->flush_all().ok());
  CHECK(ing->stats_snapshot().memory_bytes == 0);
}

TEST_CASE("ingester memory: when the store fails, pushes past the ceiling are refused 429 and accepted data stays") {
  CeilingFixture f(100 * kEntry, true);
  auto& store = f.store;
  auto& clock = f.clock;
  auto& ing = f.ing;
  model::LabelSet a{{"app", "a"}};
  int accepted = 0;
  util::Status refused;
  for (int i = 0; i < 10 && refused.ok(); ++i) {
    refused = ing->push("t", {lines(a, 1000 + i * 100, 30, 1000)});
    if (refused.ok()) accepted += 30;
  }
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == util::ErrorCode::kRateLimited);
  CHECK(refused.error().find("ingester memory ceiling reached") != std::string::npos);
  CHECK(refused.error().find("injected store failure") != std::string::npos);
  CHECK(accepted == 90);  // 3 pushes of 30 fit; the 4th would pass 100 and the early flush failed
  CHECK(ing->stats_snapshot().memory_refusals == 1);
  CHECK(select(*ing, "t", {eq("app", "a")}).size() == 90);
  // Within the failed tenant's backoff, the next push is refused without another store attempt.
  int calls = store.calls;
  CHECK(ing->push("t", {lines(a, 5000, 30, 1000)}).code() == util::ErrorCode::kRateLimited);
  CHECK(store.calls == calls);
  // The store recovers; past the backoff the early flush succeeds and the push is accepted.
  store.fail = false;
  clock.advance(2'000'000'000);
  REQUIRE(ing->push("t", {lines(a, 6000, 30, 1000)}).ok());
  CHECK(store.entries("t").size() == 90);
  CHECK(select(*ing, "t", {eq("app", "a")}).size() == 30);
}

TEST_CASE("ingester memory: a push larger than the whole ceiling is refused without flushing") {
  CeilingFixture f(10 * kEntry);
  auto& store = f.store;
  auto& ing = f.ing;
  model::LabelSet a{{"app", "a"}};
  REQUIRE(ing->push("t", {lines(a, 1000, 5, 1000)}).ok());
  auto st = ing->push("t", {lines(a, 2000, 11, 1000)});
  CHECK(st.code() == util::ErrorCode::kRateLimited);
  CHECK(st.error().find("the push alone needs") != std::string::npos);
  CHECK(store.calls == 0);
  CHECK(select(*ing, "t", {eq("app", "a")}).size() == 5);
}

TEST_CASE("ingester memory: no ceiling (0) never refuses and still counts memory") {
  CeilingFixture f(0);
  auto& store = f.store;
  auto& ing = f.ing;
  model::LabelSet a{{"app", "a"}};
  // 200 lines of 1000 bytes: below the head size that is frozen (compressed) in place.
  for (int i = 0; i < 5; ++i) REQUIRE(ing->push("t", {lines(a, 1000 + i * 100, 40, 1000)}).ok());
  CHECK(ing->stats_snapshot().memory_bytes == 200 * kEntry);
  CHECK(store.calls == 0);
}
