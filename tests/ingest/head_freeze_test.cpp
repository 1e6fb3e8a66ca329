// Heads frozen into compressed parts as they fill (MemStream, via the Ingester): queries, cuts,
// duplicate checks, out-of-order entries and WAL checkpoints see the same data as without it.
#include "ingest_test_util.h"

using namespace ingest_test;

namespace {

// `n` entries of about 1 KiB, timestamps first_ts, first_ts + 10, ...: 300 of them pass the
// default block size (256 KiB), so the head freezes.
push::Stream big(const model::LabelSet& labels, int64_t first_ts, int n, const std::string& tag = "x") {
  push::Stream s{labels, {}};
  for (int i = 0; i < n; ++i) {
    int64_t ts = first_ts + 10 * i;
    std::string line = tag + " entry " + std::to_string(ts) + " ";
    while (line.size() < 1000) line += "payload-" + std::to_string((ts * 7 + static_cast<int64_t>(line.size())) % 9973) + " ";
    s.entries.push_back({ts, std::move(line), {}});
  }
  return s;
}

util::Result<std::unique_ptr<ingest::Ingester>> open_without_wal(FakeClock& clock, FakeStore& store) {
  ingest::IngesterOptions o;
  o.wal_enabled = false;
  o.background_flush = false;
  o.clock = &clock;
  auto ing = ingest::Ingester::open(o, store);
  REQUIRE(ing.ok());
  return ing;
}

std::vector<Row> rows_of(const push::Stream& s) {
  std::vector<Row> out;
  for (const auto& e : s.entries) out.push_back({s.labels.to_string(), e.timestamp, e.line});
  return out;
}

}  // namespace

TEST_CASE("head freeze: a stream past one block is compressed in memory and reads back whole") {
  FakeClock clock;
  FakeStore store;
  auto ing = open_without_wal(clock, store);
  model::LabelSet a{{"app", "a"}};
  push::Stream s = big(a, 1000, 900);  // about 3.5 blocks
  push::Stream with_md = big(a, 1000 + 10 * 900, 1);
  with_md.entries[0].metadata = model::LabelSet{{"trace_id", "t-9"}};
  REQUIRE((*ing)->push("t", {s}).ok());
  REQUIRE((*ing)->push("t", {with_md}).ok());
  s.entries.push_back(with_md.entries[0]);
  uint64_t raw = 0;
  for (const auto& e : s.entries) raw += e.line.size();
  // Frozen parts count their compressed size: far below the raw lines.
  CHECK((*ing)->stats_snapshot().memory_bytes < raw / 2);
  CHECK(select(**ing, "t", {eq("app", "a")}) == rows_of(s));
  auto backward = select(**ing, "t", {eq("app", "a")}, INT64_MIN, INT64_MAX, logql::Direction::Backward);
  auto forward = rows_of(s);
  std::reverse(forward.begin(), forward.end());
  CHECK(backward == forward);
  // A time range inside the frozen data.
  CHECK(select(**ing, "t", {eq("app", "a")}, 1000 + 10 * 100, 1000 + 10 * 110).size() == 10);
  auto stats = (*ing)->stats("t", {eq("app", "a")}, INT64_MIN, INT64_MAX);
  CHECK(stats.entries == s.entries.size());
  CHECK(stats.bytes == raw);
  CHECK(stats.chunks == 1);  // the head and its frozen parts count as one part
  // The cut copies the frozen blocks into one chunk with every entry, metadata included.
  REQUIRE((*ing)->flush_all().ok());
  CHECK(store.chunk_count("t") == 1);
  auto stored = store.entries("t");
  REQUIRE(stored.size() == s.entries.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    CHECK(stored[i].timestamp == s.entries[i].timestamp);
    CHECK(stored[i].line == s.entries[i].line);
    CHECK(stored[i].metadata == s.entries[i].metadata);
  }
  CHECK(store.written["t"][0].line_bytes == raw);
  // One push of 3.5 blocks still made blocks of about the block size (frozen per entry, not
  // per push), as a cut of an unfrozen head would.
  auto reader = chunk::ChunkReader::open(store.written["t"][0].data);
  REQUIRE(reader.ok());
  CHECK(reader->blocks().size() >= 3);
  for (const auto& b : reader->blocks()) CHECK(b.uncompressed_size <= 262144 + 4096);
  CHECK(store.written["t"][0].entries == s.entries.size());
  CHECK((*ing)->stats_snapshot().memory_bytes == 0);
}

TEST_CASE("head freeze: a retried batch already frozen is dropped as duplicates") {
  FakeClock clock;
  FakeStore store;
  auto ing = open_without_wal(clock, store);
  model::LabelSet a{{"app", "a"}};
  push::Stream s = big(a, 1000, 600);
  REQUIRE((*ing)->push("t", {s}).ok());
  REQUIRE((*ing)->push("t", {s}).ok());  // the same batch again, all of it older than the head's end
  // Same timestamps, other lines: kept, though older than the frozen data's end.
  push::Stream other = big(a, 1000, 3, "y");
  REQUIRE((*ing)->push("t", {other}).ok());
  auto rows = select(**ing, "t", {eq("app", "a")});
  CHECK(rows.size() == 603);
  REQUIRE((*ing)->flush_all().ok());
  auto stored = store.entries("t");
  REQUIRE(stored.size() == 603);
  for (size_t i = 1; i < stored.size(); ++i) CHECK(stored[i - 1].timestamp <= stored[i].timestamp);
  // Among equal timestamps, the entry that arrived first comes first.
  CHECK(stored[0].line == s.entries[0].line);
  CHECK(stored[1].line == other.entries[0].line);
}

TEST_CASE("head freeze: entries older than the frozen data are merged into the chunk in time order") {
  FakeClock clock;
  FakeStore store;
  auto ing = open_without_wal(clock, store);
  model::LabelSet a{{"app", "a"}};
  push::Stream late = big(a, 1005, 300, "late");  // interleaves with the first 300 entries
  push::Stream s = big(a, 1000, 700);
  REQUIRE((*ing)->push("t", {s}).ok());
  REQUIRE((*ing)->push("t", {late}).ok());
  std::vector<Row> want = rows_of(s);
  for (const auto& r : rows_of(late)) want.push_back(r);
  std::stable_sort(want.begin(), want.end(), [](const Row& x, const Row& y) { return x.ts < y.ts; });
  CHECK(select(**ing, "t", {eq("app", "a")}) == want);
  REQUIRE((*ing)->flush_all().ok());
  auto stored = store.entries("t");
  REQUIRE(stored.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CHECK(stored[i].timestamp == want[i].ts);
    CHECK(stored[i].line == want[i].line);
  }
}

TEST_CASE("head freeze: frozen parts survive a checkpoint and a crash") {
  TempDir dir;
  FakeClock clock;
  FakeStore store;
  model::LabelSet a{{"app", "a"}};
  push::Stream s = big(a, 1000, 800);
  push::Stream after = big(a, 1000 + 10 * 800, 50, "after");
  std::vector<Row> before;
  {
    auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
    REQUIRE(ing.ok());
    REQUIRE((*ing)->push("t", {s}).ok());
    REQUIRE((*ing)->checkpoint().ok());
    REQUIRE((*ing)->push("t", {after}).ok());
    REQUIRE((*ing)->push("t", {s}).ok());  // duplicates, in the WAL after the checkpoint
    before = select(**ing, "t", {eq("app", "a")});
    REQUIRE(before.size() == 850);
  }  // crash
  auto ing = ingest::Ingester::open(test_options(dir.path, clock), store);
  REQUIRE(ing.ok());
  CHECK(select(**ing, "t", {eq("app", "a")}) == before);
  REQUIRE((*ing)->flush_all().ok());
  CHECK(store.entries("t").size() == 850);
}
