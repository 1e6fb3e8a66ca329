#include <doctest/doctest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "chunk/chunk_writer.h"
#include "store/block_read_pool.h"
#include "store/chunk_cursor.h"

namespace {

struct Row {
  int64_t ts;
  std::string line;
  bool operator==(const Row&) const = default;
};

std::string build_chunk(const std::vector<Row>& rows, bool filters) {
  auto w = chunk::ChunkWriter::create("t", model::LabelSet{{"job", "x"}},
                                      {.target_block_size = 4096, .zstd_level = 1, .block_filters = filters});
  REQUIRE(w.ok());
  for (const auto& r : rows) REQUIRE((*w)->append(r.ts, r.line).ok());
  auto bytes = (*w)->finish();
  REQUIRE(bytes.ok());
  return std::move(*bytes);
}

// Rows with repeated timestamps; "needle" in a few lines, "common" in every third.
std::vector<Row> sample_rows(size_t n) {
  std::mt19937 rng(5);
  std::vector<Row> rows;
  int64_t ts = 1000;
  for (size_t i = 0; i < n; ++i) {
    if (i % 4 != 1) ts += 1 + rng() % 3;
    std::string line = "level=info n=" + std::to_string(i) + " id=" + std::to_string(rng());
    if (i % 3 == 0) line += " common";
    if (i == 17 || i == 2222 || i == 2223 || i == 4990) line += " needle-7f3a";
    rows.push_back({ts, line});
  }
  return rows;
}

std::vector<Row> run(const std::string& bytes, int64_t start, int64_t end, bool forward,
                     std::shared_ptr<const store::NeedleGroups> needles, store::BlockReadPool* pool, bool filters,
                     size_t limit = 0, uint64_t* skipped = nullptr) {
  auto reader = chunk::ChunkReader::open(bytes);
  REQUIRE(reader.ok());
  store::ChunkCursorOptions o;
  o.start = start;
  o.end = end;
  o.forward = forward;
  o.needles = std::move(needles);
  o.use_block_filters = filters;
  o.pool = pool;
  o.on_corrupt = [](const std::string& e) { FAIL("corrupt: " << e); };
  store::ChunkCursor c(std::move(*reader), std::move(o));
  std::vector<Row> out;
  while ((limit == 0 || out.size() < limit) && c.next()) out.push_back({c.timestamp(), std::string(c.line())});
  if (skipped) *skipped = c.blocks_skipped_by_filter();
  return out;  // a limited run leaves blocks in flight: destroying the cursor must be safe
}

std::vector<Row> expected(const std::vector<Row>& rows, int64_t start, int64_t end, bool forward,
                          const store::NeedleGroups& needles) {
  std::vector<Row> out;
  for (const auto& r : rows) {
    if (r.ts < start || r.ts >= end) continue;
    bool ok = true;
    for (const auto& group : needles) {
      bool any = false;
      for (const auto& n : group) any = any || r.line.find(n) != std::string::npos;
      ok = ok && any;
    }
    if (ok) out.push_back(r);
  }
  // Equal timestamps come in reverse file order backward.
  if (!forward) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("chunk cursor: the same entries in the same order with and without filters and read threads") {
  auto rows = sample_rows(5000);
  const std::string filtered = build_chunk(rows, true), plain = build_chunk(rows, false);
  store::BlockReadPool pool2(2, 1 << 20), pool1(1, 8192);  // pool1: a budget of about one block
  const std::vector<store::NeedleGroups> needle_sets = {
      {}, {{"needle-7f3a"}}, {{"common"}}, {{"needle-7f3a", "n=100 "}}, {{"common"}, {"n=9"}}, {{"absent-literal"}}};
  const std::vector<std::pair<int64_t, int64_t>> ranges = {
      {0, 1'000'000}, {rows[100].ts, rows[4000].ts}, {rows[2222].ts, rows[2222].ts + 1}, {5, 6}};
  for (const auto& needles : needle_sets) {
    auto shared = std::make_shared<const store::NeedleGroups>(needles);
    for (auto [start, end] : ranges) {
      for (bool forward : {true, false}) {
        auto want = expected(rows, start, end, forward, needles);
        for (store::BlockReadPool* pool : {static_cast<store::BlockReadPool*>(nullptr), &pool1, &pool2}) {
          for (bool use_filters : {true, false}) {
            INFO("needles " << needles.size() << " range " << start << "-" << end << " forward " << forward
                            << " threads " << (pool ? pool->threads() : 0) << " filters " << use_filters);
            CHECK(run(filtered, start, end, forward, shared, pool, use_filters) == want);
            CHECK(run(plain, start, end, forward, shared, pool, use_filters) == want);
            // A limit stops early; the entries before it are the same.
            auto limited = run(filtered, start, end, forward, shared, pool, use_filters, 3);
            CHECK(limited == std::vector<Row>(want.begin(), want.begin() + std::min<size_t>(3, want.size())));
          }
        }
      }
    }
  }
}

TEST_CASE("chunk cursor: block filters skip blocks without reading them, only in filtered chunks") {
  auto rows = sample_rows(5000);
  const std::string filtered = build_chunk(rows, true), plain = build_chunk(rows, false);
  auto blocks = chunk::ChunkReader::open(filtered)->blocks().size();
  REQUIRE(blocks > 20);
  auto needle = std::make_shared<const store::NeedleGroups>(store::NeedleGroups{{"needle-7f3a"}});
  uint64_t skipped = 0;
  CHECK(run(filtered, 0, 1'000'000, true, needle, nullptr, true, 0, &skipped).size() == 4);
  // Three blocks hold the needle; false positives are possible, but few.
  CHECK(skipped >= blocks - 3 - blocks / 10);
  CHECK(skipped <= blocks - 3);
  CHECK(run(filtered, 0, 1'000'000, true, needle, nullptr, false, 0, &skipped).size() == 4);
  CHECK(skipped == 0);
  CHECK(run(plain, 0, 1'000'000, true, needle, nullptr, true, 0, &skipped).size() == 4);
  CHECK(skipped == 0);
  auto common = std::make_shared<const store::NeedleGroups>(store::NeedleGroups{{"common"}});
  run(filtered, 0, 1'000'000, true, common, nullptr, true, 0, &skipped);
  CHECK(skipped == 0);
}

TEST_CASE("block read pool: reservations stay within the budget") {
  store::BlockReadPool pool(1, 100);
  CHECK(pool.try_reserve(60));
  CHECK_FALSE(pool.try_reserve(50));
  CHECK(pool.try_reserve(40));
  pool.release(60);
  CHECK(pool.try_reserve(50));
}
