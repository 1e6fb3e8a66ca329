// Ingester durability: WAL replay after a crash, torn tails, checkpoints and truncation.
#include <fstream>

#include "ingest_test_util.h"
#include "wal/record.h"
#include "wal/wal_dir.h"

using namespace ingest_test;

namespace {

std::vector<Row> all_rows(ingest::Ingester& ing, const std::string& tenant) {
  return select(ing, tenant, {{"app", logql::ast::MatchOp::Re, ".*"}, {"app", logql::ast::MatchOp::Neq, ""}});
}

}  // namespace

TEST_CASE("ingester WAL: everything acknowledged is back after a crash (destroyed without flush)") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  model::LabelSet a{{"app", "a"}}, b{{"app", "b"}};
  push::Stream with_md = stream(b, {{5, "with metadata"}});
  with_md.entries[0].metadata = model::LabelSet{{"trace_id", "t-1"}};
  std::vector<Row> before;
  {
    auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
    REQUIRE(ing.ok());
    REQUIRE((*ing)->push("t1", {stream(a, {{30, "c"}, {10, "a"}, {20, "b"}})}).ok());
    REQUIRE((*ing)->push("t1", {with_md, stream(a, {{20, "b"}, {20, "b2"}})}).ok());
    REQUIRE((*ing)->push("t2", {stream(a, {{1, "other tenant"}})}).ok());
    before = all_rows(**ing, "t1");
    REQUIRE(before.size() == 5);
  }  // "crash": no flush_all
  CHECK(store.calls == 0);
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  CHECK(all_rows(**ing, "t1") == before);  // duplicates in the WAL replay were dropped again
  CHECK(all_rows(**ing, "t2").size() == 1);
  CHECK((*ing)->stats_snapshot().wal_records_replayed == 3);
  // Structured metadata survives.
  auto src = (*ing)->source("t1");
  logql::SelectParams p;
  p.matchers = {eq("app", "b")};
  p.start = 0;
  p.end = 100;
  auto it = src->select(p);
  REQUIRE(it.ok());
  REQUIRE((*it)->next());
  CHECK((*it)->entry().metadata == model::LabelSet{{"trace_id", "t-1"}});
  // And it all reaches the store on a clean shutdown.
  REQUIRE((*ing)->flush_all().ok());
  CHECK(store.entries("t1").size() == 5);
}

TEST_CASE("ingester WAL: a torn last record is dropped and the rest replays") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  model::LabelSet a{{"app", "a"}};
  {
    auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
    REQUIRE(ing.ok());
    REQUIRE((*ing)->push("t", {stream(a, {{1, "one"}})}).ok());
    REQUIRE((*ing)->push("t", {stream(a, {{2, "two"}})}).ok());
  }
  auto listing = wal::list_wal_dir(dir.path);
  REQUIRE(listing.ok());
  REQUIRE_FALSE(listing->segments.empty());
  // Half of a third record, as a crash in the middle of write() could leave it.
  std::string rec;
  size_t start = wal::begin_record(rec, wal::RecordType::kPushBatch);
  wal::put_batch_header(rec, "t", 1);
  wal::put_stream_header(rec, a, 1);
  int64_t prev = 0;
  wal::put_entry(rec, prev, 3, "three, never acknowledged", {});
  REQUIRE(wal::finish_record(rec, start).ok());
  {
    std::ofstream f(dir.path + "/" + wal::segment_name(listing->segments.back()), std::ios::binary | std::ios::app);
    f.write(rec.data(), static_cast<std::streamsize>(rec.size() / 2));
  }
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  CHECK(all_rows(**ing, "t") == std::vector<Row>{{a.to_string(), 1, "one"}, {a.to_string(), 2, "two"}});
  // Pushes after recovery go on, and survive another restart.
  REQUIRE((*ing)->push("t", {stream(a, {{4, "four"}})}).ok());
  ing = util::Result<std::unique_ptr<ingest::Ingester>>(util::Error{"closed"});
  auto again = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(again.ok());
  CHECK(all_rows(**again, "t").size() == 3);
}

TEST_CASE("ingester WAL: checkpoint truncates old segments and replay = checkpoint + newer segments") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto opts = test_options(dir.path, clock);
  opts.chunk_target_size = 300;  // some data sits in cut, unflushed chunks at checkpoint time
  model::LabelSet a{{"app", "a"}}, b{{"app", "b"}};
  size_t total = 0;
  {
    auto ing = ingest::Ingester::open(opts, store);
    REQUIRE(ing.ok());
    for (int i = 0; i < 200; ++i)
      REQUIRE((*ing)->push("t", {stream(a, {{i, "before checkpoint line " + std::to_string(i)}})}).ok());
    REQUIRE((*ing)->stats("t", {eq("app", "a")}, 0, 1000).chunks > 1);
    auto before = wal::list_wal_dir(dir.path);
    REQUIRE((*ing)->checkpoint().ok());
    auto after = wal::list_wal_dir(dir.path);
    REQUIRE(after.ok());
    REQUIRE(after->checkpoints.size() == 1);
    // Every segment that existed before the checkpoint is gone.
    for (uint64_t s : before->segments) CHECK(s < after->checkpoints[0]);
    for (uint64_t s : after->segments) CHECK(s >= after->checkpoints[0]);
    REQUIRE((*ing)->push("t", {stream(b, {{5, "after checkpoint"}}), stream(a, {{3, "after checkpoint, out of order"}})}).ok());
    total = all_rows(**ing, "t").size();
    CHECK(total == 202);
    CHECK((*ing)->stats_snapshot().checkpoints == 1);
  }
  auto ing = ingest::Ingester::open(opts, store);
  REQUIRE(ing.ok());
  auto rows = all_rows(**ing, "t");
  CHECK(rows.size() == total);
  CHECK(select(**ing, "t", {eq("app", "b")}) == std::vector<Row>{{b.to_string(), 5, "after checkpoint"}});
  CHECK(store.calls == 0);
}

TEST_CASE("ingester WAL: after flush_all the WAL holds nothing to replay") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  model::LabelSet a{{"app", "a"}};
  {
    auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
    REQUIRE(ing.ok());
    REQUIRE((*ing)->push("t", {stream(a, {{1, "x"}, {2, "y"}})}).ok());
    REQUIRE((*ing)->flush_all().ok());
  }
  CHECK(store.entries("t").size() == 2);
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  CHECK(all_rows(**ing, "t").empty());
  CHECK((*ing)->stats_snapshot().wal_records_replayed == 0);
  REQUIRE((*ing)->flush_all().ok());
  CHECK(store.entries("t").size() == 2);  // nothing flushed twice
}

TEST_CASE("ingester WAL: data a failing store never took survives a restart") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  store.fail = true;
  model::LabelSet a{{"app", "a"}};
  {
    auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
    REQUIRE(ing.ok());
    REQUIRE((*ing)->push("t", {stream(a, {{1, "x"}, {2, "y"}})}).ok());
    CHECK_FALSE((*ing)->flush_all().ok());  // the checkpoint still runs and keeps the chunk
  }
  store.fail = false;
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  CHECK(all_rows(**ing, "t").size() == 2);
  REQUIRE((*ing)->flush_all().ok());
  CHECK(store.entries("t").size() == 2);
}

TEST_CASE("ingester WAL: a corrupt record in an older segment stops open() with its location") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  auto opts = test_options(dir.path, clock);
  opts.wal_segment_size = 1;  // one record per segment
  model::LabelSet a{{"app", "a"}};
  {
    auto ing = ingest::Ingester::open(opts, store);
    REQUIRE(ing.ok());
    for (int i = 0; i < 3; ++i) REQUIRE((*ing)->push("t", {stream(a, {{i, "line"}})}).ok());
  }
  std::string seg = dir.path + "/" + wal::segment_name(1);
  {
    std::fstream f(seg, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(wal::kRecordHeaderSize + 2));
    f.put('\x7f');
  }
  auto ing = ingest::Ingester::open(opts, store);
  REQUIRE_FALSE(ing.ok());
  CHECK(ing.error().find("00000001.wal") != std::string::npos);
  CHECK(ing.error().find("offset 0") != std::string::npos);
}
