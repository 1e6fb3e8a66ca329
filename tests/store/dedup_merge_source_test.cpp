#include <doctest/doctest.h>

#include "logql/eval/memory_source.h"
#include "store/dedup_merge_source.h"
#include "store_test_util.h"

using logql::Direction;
using logql::ast::MatchOp;
using model::LabelSet;
using namespace store_test;

namespace {

const LabelSet kA{{"app", "a"}};
const LabelSet kB{{"app", "b"}};

std::vector<std::pair<int64_t, std::string>> lines_of(const std::vector<Row>& rows, const LabelSet& ls) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (const auto& r : rows) {
    if (r.labels == ls.to_string()) out.emplace_back(r.ts, r.line);
  }
  return out;
}

}  // namespace

TEST_CASE("dedup merge source: entries in both children come out once, in order") {
  logql::MemorySource ingester, stored;
  // The store has older data plus an overlap with the ingester (a chunk flushed but still in
  // memory); stream b only exists in the ingester.
  for (auto [ts, line] : std::vector<std::pair<int64_t, std::string>>{{1, "s1"}, {2, "s2"}, {3, "o3"}, {4, "o4"}}) {
    stored.append(kA, E(ts, line));
  }
  for (auto [ts, line] : std::vector<std::pair<int64_t, std::string>>{{3, "o3"}, {4, "o4"}, {5, "i5"}}) {
    ingester.append(kA, E(ts, line));
  }
  ingester.append(kB, E(3, "b3"));
  store::DedupMergeSource merged(std::vector<logql::LogSource*>{&ingester, &stored});
  auto fwd = select(merged, {M("app", MatchOp::Re, ".+")}, 0, 100);
  std::vector<Row> want = {{kA.to_string(), 1, "s1"}, {kA.to_string(), 2, "s2"}, {kA.to_string(), 3, "o3"},
                           {kB.to_string(), 3, "b3"}, {kA.to_string(), 4, "o4"}, {kA.to_string(), 5, "i5"}};
  CHECK(fwd == want);
  auto back = select(merged, {M("app", MatchOp::Re, ".+")}, 0, 100, Direction::Backward);
  std::vector<Row> want_back = {{kA.to_string(), 5, "i5"}, {kA.to_string(), 4, "o4"}, {kA.to_string(), 3, "o3"},
                                {kB.to_string(), 3, "b3"}, {kA.to_string(), 2, "s2"}, {kA.to_string(), 1, "s1"}};
  CHECK(back == want_back);
  CHECK(select(merged, {M("app", MatchOp::Eq, "a")}, 2, 4).size() == 2);
}

TEST_CASE("dedup merge source: many entries with one timestamp") {
  logql::MemorySource x, y;
  // x holds five same-timestamp lines of which y holds three, plus one of its own; and a line
  // that x holds twice (two pushes Loki kept because they arrived... as distinct entries).
  for (const char* l : {"l1", "l2", "l3", "l4", "l5", "dup", "dup"}) x.append(kA, E(7, l));
  for (const char* l : {"l2", "l4", "l5", "l9", "dup"}) y.append(kA, E(7, l));
  store::DedupMergeSource merged(std::vector<logql::LogSource*>{&x, &y});
  auto rows = select(merged, {M("app", MatchOp::Eq, "a")}, 0, 100);
  std::vector<std::pair<int64_t, std::string>> want = {{7, "l1"}, {7, "l2"}, {7, "l3"},  {7, "l4"},
                                                       {7, "l5"}, {7, "dup"}, {7, "dup"}, {7, "l9"}};
  CHECK(lines_of(rows, kA) == want);
  // Three children with the same data still give one copy.
  logql::MemorySource z;
  for (const char* l : {"l1", "l2", "l3", "l4", "l5", "dup", "dup"}) z.append(kA, E(7, l));
  store::DedupMergeSource three(std::vector<logql::LogSource*>{&x, &y, &z});
  CHECK(lines_of(select(three, {M("app", MatchOp::Eq, "a")}, 0, 100), kA) == want);
}

TEST_CASE("dedup merge source: one label set object per stream, whichever child it came from") {
  logql::MemorySource x, y;
  x.append(kA, E(1, "x1"));
  y.append(kA, E(2, "y2"));
  x.append(kA, E(3, "x3"));
  y.append(kB, E(2, "b2"));
  store::DedupMergeSource merged(std::vector<logql::LogSource*>{&x, &y});
  logql::SelectParams p;
  p.matchers = {M("app", MatchOp::Re, ".+")};
  p.start = 0;
  p.end = 10;
  auto it = merged.select(p);
  REQUIRE(it.ok());
  const model::LabelSet* a_obj = nullptr;
  int a_count = 0;
  while ((*it)->next()) {
    if ((*it)->labels() == kA) {
      if (!a_obj) a_obj = &(*it)->labels();
      CHECK(&(*it)->labels() == a_obj);
      ++a_count;
    }
  }
  CHECK(a_count == 3);
}

TEST_CASE("dedup merge source: over the ingester-like memory source and the local store") {
  TempDir dir;
  TestStore s(dir.path);
  std::vector<store::FlushedChunk> b{make_chunk("t", kA, {E(10, "one"), E(20, "two")})};
  REQUIRE(s->write_chunks("t", std::move(b)).ok());
  logql::MemorySource head;
  head.append(kA, E(20, "two"));
  head.append(kA, E(30, "three"));
  std::vector<std::unique_ptr<logql::LogSource>> children;
  children.push_back(std::make_unique<logql::MemorySource>(std::move(head)));
  children.push_back(s.source("t"));
  store::DedupMergeSource merged(std::move(children));
  auto rows = select(merged, {M("app", MatchOp::Eq, "a")}, 0, 100);
  std::vector<std::pair<int64_t, std::string>> want = {{10, "one"}, {20, "two"}, {30, "three"}};
  CHECK(lines_of(rows, kA) == want);
}
