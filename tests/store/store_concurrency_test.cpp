#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "store_test_util.h"

using logql::ast::MatchOp;
using model::LabelSet;
using namespace store_test;

TEST_CASE("local store: readers running beside a writer only ever see whole batches") {
  TempDir dir;
  TestStore s(dir.path);
  constexpr int kBatches = 40;
  constexpr int kStreams = 3;
  constexpr int kPerChunk = 50;
  std::atomic<bool> done{false};
  std::atomic<int> batches_written{0};
  std::thread writer([&] {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<store::FlushedChunk> batch;
      for (int st = 0; st < kStreams; ++st) {
        std::vector<model::Entry> entries;
        for (int i = 0; i < kPerChunk; ++i) {
          entries.push_back(E(kDay0 + int64_t(b) * 1000 + i, "b" + std::to_string(b) + " s" + std::to_string(st)));
        }
        batch.push_back(make_chunk("t", LabelSet{{"app", "w"}, {"s", std::to_string(st)}}, entries));
      }
      REQUIRE(s->write_chunks("t", std::move(batch)).ok());
      batches_written.fetch_add(1);
    }
    done = true;
  });
  int queries = 0;
  size_t last = 0;
  auto src = s.source("t");
  while (!done || queries < 2) {
    int floor = batches_written.load();
    auto rows = select(*src, {M("app", MatchOp::Eq, "w")}, kDay0, kDay0 + kDay);
    // Whole batches only, never fewer than were acknowledged before the query started, never
    // fewer than the previous query saw.
    CHECK(rows.size() % (kStreams * kPerChunk) == 0);
    CHECK(rows.size() >= size_t(floor) * kStreams * kPerChunk);
    CHECK(rows.size() >= last);
    last = rows.size();
    CHECK(std::is_sorted(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.ts < b.ts; }));
    ++queries;
  }
  writer.join();
  CHECK(select(*src, {M("app", MatchOp::Eq, "w")}, kDay0, kDay0 + kDay).size() == size_t(kBatches) * kStreams * kPerChunk);
  CHECK(queries >= 2);
  CHECK(s.warning_count() == 0);
}

TEST_CASE("local store: a second store instance on the same directory sees new index files") {
  TempDir dir;
  TestStore writer(dir.path);
  TestStore reader(dir.path);  // like logcli --store reading while logd runs
  std::vector<store::FlushedChunk> b1{make_chunk("t", LabelSet{{"app", "x"}}, {E(kDay0 + 1, "first")})};
  REQUIRE(writer->write_chunks("t", std::move(b1)).ok());
  auto src = reader.source("t");
  CHECK(select(*src, {M("app", MatchOp::Eq, "x")}, kDay0, kDay0 + kDay).size() == 1);
  std::vector<store::FlushedChunk> b2{make_chunk("t", LabelSet{{"app", "x"}}, {E(kDay0 + 2, "second")})};
  REQUIRE(writer->write_chunks("t", std::move(b2)).ok());
  // The reader's cached listing of the day is refreshed: the directory changed.
  CHECK(select(*src, {M("app", MatchOp::Eq, "x")}, kDay0, kDay0 + kDay).size() == 2);
  CHECK(*reader->label_values("t", "app", {}, kDay0, kDay0 + kDay) == std::vector<std::string>{"x"});
}

TEST_CASE("local store: a corrupt index file is ignored with a warning, other batches still answer") {
  TempDir dir;
  TestStore s(dir.path);
  std::vector<store::FlushedChunk> b1{make_chunk("t", LabelSet{{"app", "x"}}, {E(kDay0 + 1, "first")})};
  REQUIRE(s->write_chunks("t", std::move(b1)).ok());
  // A garbage file with the index extension, as a broken copy or disk error might leave.
  {
    std::string bad = dir.path + "/t/index/2024-01-01/00000000000000000001.idx";
    FILE* f = std::fopen(bad.c_str(), "w");
    REQUIRE(f);
    std::fputs("LOGDINDX garbage", f);
    std::fclose(f);
  }
  std::vector<store::FlushedChunk> b2{make_chunk("t", LabelSet{{"app", "x"}}, {E(kDay0 + 2, "second")})};
  REQUIRE(s->write_chunks("t", std::move(b2)).ok());
  auto src = s.source("t");
  CHECK(select(*src, {M("app", MatchOp::Eq, "x")}, kDay0, kDay0 + kDay).size() == 2);
  CHECK(select(*src, {M("app", MatchOp::Eq, "x")}, kDay0, kDay0 + kDay).size() == 2);
  CHECK(s.warning_count() == 1);  // reported once, not per query
  CHECK(s->counters().corrupt_index_files == 1);
}
