// Ingester in memory: push and query, ordering, duplicates, label queries, cutting, flushing,
// store failures, tail and concurrency. WAL behaviour is in ingester_wal_test.cpp.
#include <algorithm>
#include <random>
#include <set>
#include <thread>

#include "ingest_test_util.h"

using namespace ingest_test;

namespace {
const int64_t kMin = 60'000'000'000;
}

TEST_CASE("ingester: pushed entries are queryable by selector, range and direction") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  model::LabelSet api{{"app", "api"}, {"env", "prod"}}, web{{"app", "web"}, {"env", "prod"}};
  REQUIRE((*ing)->push("t1", {stream(api, {{10, "a10"}, {20, "a20"}, {30, "a30"}}),
                               stream(web, {{15, "w15"}, {25, "w25"}})}).ok());
  auto rows = select(**ing, "t1", {eq("env", "prod")});
  std::vector<Row> want{{api.to_string(), 10, "a10"}, {web.to_string(), 15, "w15"}, {api.to_string(), 20, "a20"},
                        {web.to_string(), 25, "w25"}, {api.to_string(), 30, "a30"}};
  CHECK(rows == want);
  // [start, end): 30 excluded, 15 included.
  rows = select(**ing, "t1", {eq("app", "web")}, 15, 25);
  CHECK(rows == std::vector<Row>{{web.to_string(), 15, "w15"}});
  rows = select(**ing, "t1", {eq("app", "api")}, 0, 100, logql::Direction::Backward);
  CHECK(rows == std::vector<Row>{{api.to_string(), 30, "a30"}, {api.to_string(), 20, "a20"},
                                 {api.to_string(), 10, "a10"}});
  // Prometheus semantics: a regex and a negative matcher.
  rows = select(**ing, "t1", {{"app", logql::ast::MatchOp::Re, "w.*"}, {"env", logql::ast::MatchOp::Neq, "dev"}});
  CHECK(rows.size() == 2);
  // Tenants are isolated.
  CHECK(select(**ing, "t2", {eq("env", "prod")}).empty());
  CHECK((*ing)->tenants() == std::vector<std::string>{"t1"});
  CHECK((*ing)->stats_snapshot().streams == 2);
}

TEST_CASE("ingester: out-of-order entries are sorted, same-timestamp lines kept, exact duplicates dropped") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  model::LabelSet s{{"app", "x"}};
  REQUIRE((*ing)->push("t", {stream(s, {{30, "c"}, {10, "a"}, {20, "b1"}})}).ok());
  REQUIRE((*ing)->push("t", {stream(s, {{20, "b2"}, {20, "b1"}, {10, "a"}, {30, "c"}, {30, "c2"}})}).ok());
  auto rows = select(**ing, "t", {eq("app", "x")});
  std::vector<Row> want{{s.to_string(), 10, "a"}, {s.to_string(), 20, "b1"}, {s.to_string(), 20, "b2"},
                        {s.to_string(), 30, "c"}, {s.to_string(), 30, "c2"}};
  CHECK(rows == want);

  // Many shuffled entries with duplicates: enough out-of-order ones to force merges of the
  // out-of-order map into the sorted run.
  model::LabelSet big{{"app", "big"}};
  std::vector<std::pair<int64_t, std::string>> entries;
  for (int i = 0; i < 3000; ++i) entries.emplace_back(i / 2, "line" + std::to_string(i));
  auto with_dups = entries;
  with_dups.insert(with_dups.end(), entries.begin(), entries.begin() + 500);
  std::shuffle(with_dups.begin(), with_dups.end(), std::mt19937(42));
  for (size_t i = 0; i < with_dups.size(); i += 100) {
    std::vector<std::pair<int64_t, std::string>> part(with_dups.begin() + static_cast<std::ptrdiff_t>(i),
                                                      with_dups.begin() + static_cast<std::ptrdiff_t>(std::min(i + 100, with_dups.size())));
    REQUIRE((*ing)->push("t", {stream(big, part)}).ok());
  }
  rows = select(**ing, "t", {eq("app", "big")});
  REQUIRE(rows.size() == 3000);
  CHECK(std::is_sorted(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.ts < b.ts; }));
  std::set<std::string> lines;
  for (const auto& r : rows) lines.insert(r.line);
  CHECK(lines.size() == 3000);
}

TEST_CASE("ingester: label names, values, series and stats over in-memory data") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  model::LabelSet a{{"app", "api"}, {"env", "prod"}}, b{{"app", "web"}, {"region", "eu"}};
  REQUIRE((*ing)->push("t", {stream(a, {{100, "12345"}, {200, "1"}}), stream(b, {{500, "xy"}})}).ok());
  CHECK((*ing)->label_names("t", 0, 1000) == std::vector<std::string>{"app", "env", "region"});
  CHECK((*ing)->label_names("t", 0, 300) == std::vector<std::string>{"app", "env"});
  CHECK((*ing)->label_values("t", "app", {}, 0, 1000) == std::vector<std::string>{"api", "web"});
  CHECK((*ing)->label_values("t", "app", {eq("region", "eu")}, 0, 1000) == std::vector<std::string>{"web"});
  CHECK((*ing)->series("t", {{"app", logql::ast::MatchOp::Re, ".+"}}, 0, 1000) == std::vector<model::LabelSet>{a, b});
  auto st = (*ing)->stats("t", {{"app", logql::ast::MatchOp::Re, ".+"}}, 0, 1000);
  CHECK(st.streams == 2);
  CHECK(st.entries == 3);
  CHECK(st.bytes == 8);
  CHECK(st.chunks == 2);
  CHECK((*ing)->stats("t", {eq("app", "api")}, 300, 1000).streams == 0);
}

TEST_CASE("ingester: chunks are cut by size on push and then served by the store, not the head") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto opts = test_options(dir.path, clock);
  opts.chunk_target_size = 600;  // estimated compressed bytes
  opts.chunk_block_size = 1024;
  auto ing = ingest::Ingester::open(opts, store);
  REQUIRE(ing.ok());
  model::LabelSet s{{"app", "x"}};
  std::mt19937 rng(1);
  for (int i = 0; i < 400; ++i) {
    std::string line = "entry " + std::to_string(i) + " " + std::to_string(rng()) + std::to_string(rng());
    REQUIRE((*ing)->push("t", {stream(s, {{i, line}})}).ok());
  }
  auto st = (*ing)->stats("t", {eq("app", "x")}, 0, 1000);
  CHECK(st.chunks > 2);  // cut while pushing, before any flush
  CHECK(st.entries == 400);
  CHECK(select(**ing, "t", {eq("app", "x")}).size() == 400);  // head + cut chunks, merged
  CHECK(store.chunk_count("t") == 0);

  REQUIRE((*ing)->flush_due().ok());
  size_t cut = store.chunk_count("t");
  CHECK(cut >= 2);
  auto stored = store.entries("t");
  // Only the cut chunks went to the store; the head (not due) remains in memory.
  auto in_memory = select(**ing, "t", {eq("app", "x")});
  CHECK(stored.size() + in_memory.size() == 400);
  REQUIRE((*ing)->flush_all().ok());
  stored = store.entries("t");
  REQUIRE(stored.size() == 400);
  for (int i = 0; i < 400; ++i) CHECK(stored[static_cast<size_t>(i)].timestamp == i);
  CHECK(select(**ing, "t", {eq("app", "x")}).empty());
  CHECK((*ing)->stats_snapshot().chunks_flushed == store.chunk_count("t"));
  CHECK((*ing)->stats_snapshot().streams == 0);  // flushed streams are dropped from memory
}

TEST_CASE("ingester: chunks are cut by age and by idleness, on the injected clock") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto opts = test_options(dir.path, clock);
  opts.max_chunk_age = 60 * kMin;
  opts.chunk_idle_period = 30 * kMin;
  auto ing = ingest::Ingester::open(opts, store);
  REQUIRE(ing.ok());
  model::LabelSet busy{{"app", "busy"}}, quiet{{"app", "quiet"}};
  REQUIRE((*ing)->push("t", {stream(busy, {{1, "b"}}), stream(quiet, {{1, "q"}})}).ok());
  clock.advance(29 * kMin);
  REQUIRE((*ing)->push("t", {stream(busy, {{2, "b"}})}).ok());
  REQUIRE((*ing)->flush_due().ok());
  CHECK(store.chunk_count("t") == 0);
  clock.advance(2 * kMin);  // quiet idle for 31m; busy idle for 2m
  REQUIRE((*ing)->push("t", {stream(busy, {{3, "b"}})}).ok());
  REQUIRE((*ing)->flush_due().ok());
  REQUIRE(store.chunk_count("t") == 1);
  CHECK(store.written["t"][0].labels == quiet);
  clock.advance(20 * kMin);  // busy's head is 51m old, but pushed to 1m ago
  REQUIRE((*ing)->push("t", {stream(busy, {{4, "b"}})}).ok());
  REQUIRE((*ing)->flush_due().ok());
  CHECK(store.chunk_count("t") == 1);
  clock.advance(10 * kMin);  // 61m since busy's head began: max_chunk_age
  REQUIRE((*ing)->push("t", {stream(busy, {{5, "b"}})}).ok());
  REQUIRE((*ing)->flush_due().ok());
  REQUIRE(store.chunk_count("t") == 2);
  CHECK(store.written["t"][1].labels == busy);
  CHECK(store.written["t"][1].entries == 5);
}

TEST_CASE("ingester: the background loop flushes idle chunks every flush_check_period of the clock") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto opts = test_options(dir.path, clock);
  opts.background_flush = true;
  opts.flush_check_period = kMin;
  opts.chunk_idle_period = 30 * kMin;
  auto ing = ingest::Ingester::open(opts, store);
  REQUIRE(ing.ok());
  REQUIRE((*ing)->push("t", {stream({{"app", "idle"}}, {{1, "x"}})}).ok());
  // Each step wakes the loop once; after 30 the stream has been idle for chunk_idle_period.
  for (int i = 0; i < 30; ++i) {
    REQUIRE(clock.wait_for_sleepers(1));
    CHECK(store.chunk_count("t") == 0);
    clock.advance(kMin);
  }
  REQUIRE(clock.wait_for_sleepers(1));  // the 30th pass ran and the loop sleeps again
  CHECK(store.chunk_count("t") == 1);
}

TEST_CASE("ingester: a failing store keeps the data in memory and retries with backoff") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  store.fail = true;
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  model::LabelSet s{{"app", "x"}};
  REQUIRE((*ing)->push("t", {stream(s, {{1, "one"}, {2, "two"}})}).ok());
  auto st = (*ing)->flush_all();
  CHECK_FALSE(st.ok());
  CHECK(st.error().find("injected store failure") != std::string::npos);
  CHECK((*ing)->stats_snapshot().flush_failures == 1);
  CHECK(select(**ing, "t", {eq("app", "x")}).size() == 2);  // still served from memory
  int calls = store.calls;
  REQUIRE((*ing)->flush_due().ok());  // within the backoff: no attempt
  CHECK(store.calls == calls);
  store.fail = false;
  clock.advance(2'000'000'000);  // past the first 1s backoff
  REQUIRE((*ing)->flush_due().ok());
  CHECK(store.calls == calls + 1);
  auto stored = store.entries("t");
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].line == "one");
  CHECK(select(**ing, "t", {eq("app", "x")}).empty());
}

TEST_CASE("ingester: live tail receives accepted entries until unsubscribed") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  std::vector<Row> seen;
  std::mutex mu;
  uint64_t id = (*ing)->subscribe("t", [&](const model::LabelSet& l, const model::Entry& e) {
    std::lock_guard lock(mu);
    seen.push_back({l.to_string(), e.timestamp, e.line});
  });
  model::LabelSet s{{"app", "x"}};
  REQUIRE((*ing)->push("t", {stream(s, {{1, "a"}, {1, "a"}, {2, "b"}})}).ok());
  REQUIRE((*ing)->push("other", {stream(s, {{3, "not mine"}})}).ok());
  REQUIRE((*ing)->push("t", {stream(s, {{2, "b"}})}).ok());  // duplicate: not re-sent
  (*ing)->unsubscribe(id);
  REQUIRE((*ing)->push("t", {stream(s, {{4, "after"}})}).ok());
  CHECK(seen == std::vector<Row>{{s.to_string(), 1, "a"}, {s.to_string(), 2, "b"}});
}

TEST_CASE("ingester: max streams per tenant refuses new streams, not existing ones") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto opts = test_options(dir.path, clock);
  opts.max_streams_per_tenant = 1;
  auto ing = ingest::Ingester::open(opts, store);
  REQUIRE(ing.ok());
  REQUIRE((*ing)->push("t", {stream({{"a", "1"}}, {{1, "x"}})}).ok());
  auto st = (*ing)->push("t", {stream({{"a", "2"}}, {{1, "x"}})});
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().find("stream limit") != std::string::npos);
  CHECK((*ing)->push("t", {stream({{"a", "1"}}, {{2, "y"}})}).ok());
  CHECK((*ing)->push("u", {stream({{"a", "2"}}, {{1, "x"}})}).ok());
}

TEST_CASE("ingester: concurrent pushes, queries, flushes and checkpoints lose nothing") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto opts = test_options(dir.path, clock);
  opts.chunk_target_size = 4000;
  opts.chunk_block_size = 2048;
  opts.wal_segment_size = 64 * 1024;
  auto ing = ingest::Ingester::open(opts, store);
  REQUIRE(ing.ok());
  constexpr int kThreads = 4, kPushes = 300, kPerPush = 5;
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPushes; ++i) {
        // Two threads share each stream, so appends to one stream race too.
        model::LabelSet s{{"app", "s" + std::to_string(t % 2)}};
        std::vector<std::pair<int64_t, std::string>> e;
        for (int k = 0; k < kPerPush; ++k)
          e.emplace_back(i * kPerPush + k, "t" + std::to_string(t) + " i" + std::to_string(i) + " k" + std::to_string(k));
        REQUIRE((*ing)->push("t", {stream(s, e)}).ok());
      }
    });
  std::thread reader([&] {
    while (!done) {
      auto rows = select(**ing, "t", {{"app", logql::ast::MatchOp::Re, "s.*"}});
      CHECK(std::is_sorted(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.ts < b.ts; }));
      (void)(*ing)->stats("t", {}, 0, 1 << 30);
    }
  });
  std::thread flusher([&] {
    while (!done) {
      clock.advance(kMin);
      (void)(*ing)->flush_due();
      REQUIRE((*ing)->checkpoint().ok());
    }
  });
  for (auto& th : threads) th.join();
  done = true;
  reader.join();
  flusher.join();
  REQUIRE((*ing)->flush_all().ok());
  auto stored = store.entries("t");
  std::set<std::string> lines;
  for (const auto& e : stored) lines.insert(e.line);
  CHECK(lines.size() == static_cast<size_t>(kThreads * kPushes * kPerPush));
  CHECK(stored.size() == lines.size());  // nothing flushed twice
}
