// MemorySource and MergeIterator: selection by matchers and [start, end), ordering across
// streams in both directions, error propagation.
#include <doctest/doctest.h>

#include "ast_builders.h"
#include "logql/eval/engine.h"
#include "logql/eval/merge.h"

using namespace evaltest;

namespace {

std::vector<std::pair<std::string, int64_t>> drain(EntryIterator& it) {
  std::vector<std::pair<std::string, int64_t>> out;
  while (it.next()) out.emplace_back(it.entry().line, it.entry().timestamp);
  return out;
}

class FailingIterator : public EntryIterator {
 public:
  bool next() override { return false; }
  const model::LabelSet& labels() const override { return labels_; }
  const model::Entry& entry() const override { return entry_; }
  util::Status status() const override { return util::Error{"corrupt block"}; }

 private:
  model::LabelSet labels_;
  model::Entry entry_;
};

}  // namespace

TEST_CASE("memory source: [start, end) selection, time order across streams, ties by labels") {
  MemorySource src;
  model::LabelSet a{{"app", "a"}}, b{{"app", "b"}};
  add(src, b, 20, "b20");
  add(src, a, 20, "a20");
  add(src, a, 10, "a10");  // appended out of order
  add(src, a, 20, "a20'");
  add(src, b, 30, "b30");
  SelectParams p;
  p.matchers = {op("app", ast::MatchOp::Re, ".+")};
  p.start = 10;
  p.end = 30;
  p.direction = Direction::Forward;
  auto it = src.select(p);
  REQUIRE(it.ok());
  using V = std::vector<std::pair<std::string, int64_t>>;
  // equal timestamps: stream {app="a"} before {app="b"}, a stream's own entries in append order
  CHECK(drain(**it) == V{{"a10", 10}, {"a20", 20}, {"a20'", 20}, {"b20", 20}});

  p.direction = Direction::Backward;
  p.end = 31;
  it = src.select(p);
  REQUIRE(it.ok());
  CHECK(drain(**it) == V{{"b30", 30}, {"a20'", 20}, {"a20", 20}, {"b20", 20}, {"a10", 10}});

  p.matchers = {eq("app", "c")};
  it = src.select(p);
  REQUIRE(it.ok());
  CHECK(!(*it)->next());
  CHECK(src.stream_count() == 2);
}

TEST_CASE("merge iterator stops on a child's error and reports it") {
  MemorySource src;
  add(src, model::LabelSet{{"app", "a"}}, 1, "x");
  SelectParams p;
  p.matchers = {eq("app", "a")};
  p.end = 10;
  std::vector<std::unique_ptr<EntryIterator>> children;
  children.push_back(std::move(src.select(p)).value());
  children.push_back(std::make_unique<FailingIterator>());
  MergeIterator merged(std::move(children), Direction::Forward);
  CHECK(!merged.next());
  CHECK(merged.status().error() == "corrupt block");
}

TEST_CASE("invalid selector regexes are reported, not thrown") {
  MemorySource src;
  SelectParams p;
  p.matchers = {op("app", ast::MatchOp::Re, "(")};
  auto it = src.select(p);
  CHECK(!it.ok());
}

TEST_CASE("structured metadata joins the entry's labels, as in Loki 3") {
  MemorySource src;
  src.append(model::LabelSet{{"app", "a"}}, model::Entry{5, "hello", model::LabelSet{{"trace_id", "t1"}}});
  src.append(model::LabelSet{{"app", "a"}}, model::Entry{6, "bye", {}});
  auto r = evaluate(*selector({eq("app", "a")}), range_params(0, 10, 0), src);
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 2);
  // Streams sort by label string: `{app="a", trace_id="t1"}` < `{app="a"}` since ',' < '}'.
  CHECK(r->streams[0].labels == model::LabelSet{{"app", "a"}, {"trace_id", "t1"}});
  CHECK(r->streams[0].entries.at(0).line == "hello");
  CHECK(r->streams[1].labels == model::LabelSet{{"app", "a"}});

  auto c = evaluate(*range_agg(ast::RangeOp::CountOverTime, {eq("app", "a")}, 10), instant_params(10), src);
  REQUIRE(c.ok());
  REQUIRE(c->vector.size() == 2);
  CHECK(c->vector[1].labels == model::LabelSet{{"app", "a"}, {"trace_id", "t1"}});
}
