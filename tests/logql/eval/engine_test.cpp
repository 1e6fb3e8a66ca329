// Evaluator tests on hand-built ASTs (no parser needed), with plain selectors whose entries
// bypass the pipeline. Expected values follow Loki's documented semantics; windows are
// (t - range - offset, t - offset].
#include <doctest/doctest.h>

#include <cmath>

#include "logql/eval/engine.h"
#include "logql/eval/range_functions.h"
#include "ast_builders.h"

using namespace evaltest;
using logql::ast::BinOp;
using logql::ast::MatchOp;
using logql::ast::RangeOp;
using logql::ast::VectorOp;

namespace {

const model::LabelSet kA{{"app", "a"}, {"env", "prod"}};
const model::LabelSet kB{{"app", "b"}};

// a: entries at 0s, 10s, 20s, 30s ("a0", "a10", ...); b: at 5s and 15s.
MemorySource two_streams() {
  MemorySource src;
  for (int s : {0, 10, 20, 30}) add(src, kA, s * kSec, "a" + std::to_string(s));
  for (int s : {15, 5}) add(src, kB, s * kSec, "b" + std::to_string(s));  // out of order on purpose
  return src;
}

std::vector<std::string> lines(const Stream& s) {
  std::vector<std::string> out;
  for (const auto& e : s.entries) out.push_back(e.line);
  return out;
}

std::vector<double> values(const Series& s) {
  std::vector<double> out;
  for (const auto& p : s.points) out.push_back(p.v);
  return out;
}

}  // namespace

TEST_CASE("log query: limit applies across streams in direction order, streams sorted by labels") {
  MemorySource src = two_streams();
  auto q = selector({op("app", MatchOp::Re, "a|b")});
  auto p = range_params(0, 40 * kSec, 0);
  p.limit = 3;
  p.direction = Direction::Backward;
  auto r = evaluate(*q, p, src);
  REQUIRE(r.ok());
  CHECK(r->type == ResultType::Streams);
  REQUIRE(r->streams.size() == 2);
  CHECK(r->streams[0].labels == kA);
  CHECK(lines(r->streams[0]) == std::vector<std::string>{"a30", "a20"});
  CHECK(lines(r->streams[1]) == std::vector<std::string>{"b15"});

  p.direction = Direction::Forward;
  r = evaluate(*q, p, src);
  REQUIRE(r.ok());
  CHECK(lines(r->streams[0]) == std::vector<std::string>{"a0", "a10"});
  CHECK(lines(r->streams[1]) == std::vector<std::string>{"b5"});
}

TEST_CASE("log query: end is exclusive, interval keeps one entry per interval across streams") {
  MemorySource src = two_streams();
  auto q = selector({op("app", MatchOp::Re, "a|b")});
  auto p = range_params(0, 30 * kSec, 0);
  p.limit = 0;
  p.direction = Direction::Forward;
  auto r = evaluate(*q, p, src);
  REQUIRE(r.ok());
  CHECK(lines(r->streams[0]) == std::vector<std::string>{"a0", "a10", "a20"});

  // Kept: 0 (first), 10 (>= 0+10), 20, 30; 5 and 15 are too close to the previous kept entry.
  p.end = 40 * kSec;
  p.interval = 10 * kSec;
  r = evaluate(*q, p, src);
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 1);
  CHECK(lines(r->streams[0]) == std::vector<std::string>{"a0", "a10", "a20", "a30"});
}

TEST_CASE("stream matchers follow Prometheus semantics") {
  MemorySource src = two_streams();
  auto count = [&](std::vector<ast::Matcher> m) {
    auto r = evaluate(*selector(std::move(m)), range_params(0, 40 * kSec, 0), src);
    REQUIRE(r.ok());
    return r->streams.size();
  };
  CHECK(count({op("env", MatchOp::Neq, "prod")}) == 1);  // a missing label is "" for !=
  CHECK(count({op("app", MatchOp::Re, "a.")}) == 0);     // regexes are anchored
  CHECK(count({op("app", MatchOp::Nre, "b")}) == 1);
  CHECK(count({op("env", MatchOp::Re, "")}) == 1);
}

TEST_CASE("instant log queries are refused") {
  MemorySource src = two_streams();
  auto r = evaluate(*selector({eq("app", "a")}), instant_params(10 * kSec), src);
  REQUIRE(!r.ok());
  CHECK(r.error() ==
        "log queries are not supported as an instant query type, please change your query to a range query type");
}

TEST_CASE("count_over_time and rate slide a left-open, right-closed window") {
  MemorySource src = two_streams();
  // range 15s: t=0 (-15,0]={0}; t=10 (-5,10]={0,10}; t=20 (5,20]={10,20}; t=30 (15,30]={20,30}
  auto r = evaluate(*range_agg(RangeOp::CountOverTime, {eq("app", "a")}, 15 * kSec), range_params(0, 30 * kSec, 10 * kSec), src);
  REQUIRE(r.ok());
  CHECK(r->type == ResultType::Matrix);
  REQUIRE(r->matrix.size() == 1);
  CHECK(r->matrix[0].labels == kA);
  CHECK(values(r->matrix[0]) == std::vector<double>{1, 2, 2, 2});
  CHECK(r->matrix[0].points[3].t == 30 * kSec);

  r = evaluate(*range_agg(RangeOp::Rate, {eq("app", "a")}, 15 * kSec), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].point.v == doctest::Approx(2.0 / 15));
  CHECK(r->vector[0].point.t == 20 * kSec);

  // No sample in (35, 50]: no point at all for that step.
  r = evaluate(*range_agg(RangeOp::CountOverTime, {eq("app", "a")}, 15 * kSec), range_params(30 * kSec, 50 * kSec, 20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->matrix.size() == 1);
  CHECK(r->matrix[0].points.size() == 1);
}

TEST_CASE("offset shifts the window back but not the output timestamp") {
  MemorySource src = two_streams();
  // t=30, offset 10s, range 15s: window (5, 20] = {10, 20}
  auto r = evaluate(*range_agg(RangeOp::CountOverTime, {eq("app", "a")}, 15 * kSec, 10 * kSec), instant_params(30 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].point.v == 2);
  CHECK(r->vector[0].point.t == 30 * kSec);
}

TEST_CASE("bytes_over_time sums line lengths; absent_over_time keeps equality matchers") {
  MemorySource src = two_streams();
  auto r = evaluate(*range_agg(RangeOp::BytesOverTime, {eq("app", "a")}, 15 * kSec), instant_params(30 * kSec), src);
  REQUIRE(r.ok());
  CHECK(r->vector.at(0).point.v == 6);  // "a20" + "a30"

  auto absent = range_agg(RangeOp::AbsentOverTime, {eq("app", "a"), op("env", MatchOp::Re, "p.*")}, 5 * kSec);
  r = evaluate(*absent, range_params(7 * kSec, 10 * kSec, 3 * kSec), src);
  REQUIRE(r.ok());
  // t=7: (2,7] is empty -> 1; t=10: (5,10] has a10 -> nothing
  REQUIRE(r->matrix.size() == 1);
  CHECK(r->matrix[0].labels == model::LabelSet{{"app", "a"}});
  REQUIRE(r->matrix[0].points.size() == 1);
  CHECK(r->matrix[0].points[0].t == 7 * kSec);
  CHECK(r->matrix[0].points[0].v == 1);
}

TEST_CASE("range aggregation grouping reduces series labels") {
  MemorySource src = two_streams();
  auto r = evaluate(*range_agg(RangeOp::CountOverTime, {op("app", MatchOp::Re, "a|b")}, 60 * kSec, 0, by({})),
                    instant_params(30 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].labels.empty());
  CHECK(r->vector[0].point.v == 6);
}

TEST_CASE("vector aggregations: by, without, topk, sort keeps order for instant queries") {
  MemorySource src = two_streams();
  auto counts = [] { return range_agg(RangeOp::CountOverTime, {op("app", MatchOp::Re, "a|b")}, 15 * kSec); };
  // at t=20: a has {10,20} = 2, b has {15} = 1
  auto r = evaluate(*vec_agg(VectorOp::Sum, counts(), by({"app"})), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 2);
  CHECK(r->vector[0].labels == model::LabelSet{{"app", "a"}});
  CHECK(r->vector[0].point.v == 2);
  CHECK(r->vector[1].point.v == 1);

  r = evaluate(*vec_agg(VectorOp::Sum, counts()), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].labels.empty());
  CHECK(r->vector[0].point.v == 3);

  r = evaluate(*vec_agg(VectorOp::Max, counts(), without({"env"})), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 2);
  CHECK(r->vector[0].labels == model::LabelSet{{"app", "a"}});

  r = evaluate(*vec_agg(VectorOp::Topk, counts(), std::nullopt, 1), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].labels == kA);

  r = evaluate(*vec_agg(VectorOp::Sort, counts()), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 2);
  CHECK(r->vector[0].labels == kB);  // ascending value, not label order
  r = evaluate(*vec_agg(VectorOp::SortDesc, counts()), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  CHECK(r->vector[0].labels == kA);

  r = evaluate(*vec_agg(VectorOp::Avg, counts()), instant_params(20 * kSec), src);
  CHECK(r->vector.at(0).point.v == 1.5);
  r = evaluate(*vec_agg(VectorOp::Count, counts()), instant_params(20 * kSec), src);
  CHECK(r->vector.at(0).point.v == 2);
  r = evaluate(*vec_agg(VectorOp::Stdvar, counts()), instant_params(20 * kSec), src);
  CHECK(r->vector.at(0).point.v == 0.25);
}

TEST_CASE("binary operations with literals: arithmetic, filtering and bool comparisons") {
  MemorySource src = two_streams();
  auto counts = [] { return range_agg(RangeOp::CountOverTime, {op("app", MatchOp::Re, "a|b")}, 15 * kSec); };
  auto r = evaluate(*binop(BinOp::Div, counts(), lit(2)), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 2);
  CHECK(r->vector[0].point.v == 1);
  CHECK(r->vector[1].point.v == 0.5);

  r = evaluate(*binop(BinOp::Gt, counts(), lit(1)), instant_params(20 * kSec), src);
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].point.v == 2);  // the sample value survives, not 1

  r = evaluate(*binop(BinOp::Gt, counts(), lit(1), true), instant_params(20 * kSec), src);
  REQUIRE(r->vector.size() == 2);
  CHECK(r->vector[0].point.v == 1);
  CHECK(r->vector[1].point.v == 0);

  r = evaluate(*binop(BinOp::Sub, lit(10), counts()), instant_params(20 * kSec), src);
  CHECK(r->vector[0].point.v == 8);

  r = evaluate(*binop(BinOp::Div, counts(), lit(0)), instant_params(20 * kSec), src);
  CHECK(std::isnan(r->vector[0].point.v));  // Loki: x/0 is NaN
  r = evaluate(*binop(BinOp::Pow, counts(), lit(3)), instant_params(20 * kSec), src);
  CHECK(r->vector[0].point.v == 8);
  r = evaluate(*binop(BinOp::Mod, counts(), lit(3)), instant_params(20 * kSec), src);
  CHECK(r->vector[0].point.v == 2);
}

TEST_CASE("literal-only queries are scalars; vector() is an unlabelled vector") {
  MemorySource src;
  auto r = evaluate(*binop(BinOp::Add, lit(1), lit(2)), instant_params(5 * kSec), src);
  REQUIRE(r.ok());
  CHECK(r->type == ResultType::Scalar);
  CHECK(r->scalar.v == 3);
  CHECK(r->scalar.t == 5 * kSec);

  r = evaluate(*binop(BinOp::Add, lit(1), lit(2)), range_params(0, 20 * kSec, 10 * kSec), src);
  REQUIRE(r.ok());
  CHECK(r->type == ResultType::Matrix);
  REQUIRE(r->matrix.size() == 1);
  CHECK(values(r->matrix[0]) == std::vector<double>{3, 3, 3});

  r = evaluate(*wrap(ast::VectorLiteral{4}), instant_params(5 * kSec), src);
  REQUIRE(r.ok());
  CHECK(r->type == ResultType::Vector);
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].point.v == 4);

  // sum(vector(4)) + vector(1) over a range: one point per step
  r = evaluate(*binop(BinOp::Add, vec_agg(VectorOp::Sum, wrap(ast::VectorLiteral{4})), wrap(ast::VectorLiteral{1})),
               range_params(0, 20 * kSec, 10 * kSec), src);
  REQUIRE(r.ok());
  CHECK(values(r->matrix.at(0)) == std::vector<double>{5, 5, 5});
}

TEST_CASE("vector matching: one-to-one, explicit many-to-one, set operations") {
  MemorySource src = two_streams();
  auto counts = [] { return range_agg(RangeOp::CountOverTime, {op("app", MatchOp::Re, "a|b")}, 15 * kSec); };
  auto total = [&] { return vec_agg(VectorOp::Sum, counts()); };

  auto r = evaluate(*binop(BinOp::Div, counts(), counts()), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 2);
  CHECK(r->vector[0].labels == kA);
  CHECK(r->vector[0].point.v == 1);

  ast::VectorMatching on_nothing;
  on_nothing.on = true;
  r = evaluate(*binop(BinOp::Div, counts(), total(), false, on_nothing), instant_params(20 * kSec), src);
  REQUIRE(!r.ok());
  CHECK(r.error() == "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");

  on_nothing.card = ast::Cardinality::ManyToOne;
  r = evaluate(*binop(BinOp::Div, counts(), total(), false, on_nothing), instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 2);
  CHECK(r->vector[0].labels == kA);
  CHECK(r->vector[0].point.v == doctest::Approx(2.0 / 3));

  // The "one" side may not have duplicates.
  on_nothing.card = ast::Cardinality::ManyToOne;
  r = evaluate(*binop(BinOp::Div, total(), counts(), false, on_nothing), instant_params(20 * kSec), src);
  REQUIRE(!r.ok());
  CHECK(r.error().find("found duplicate series on the right hand-side") == 0);

  auto only_a = [] { return range_agg(RangeOp::CountOverTime, {eq("app", "a")}, 15 * kSec); };
  r = evaluate(*binop(BinOp::Unless, counts(), only_a()), instant_params(20 * kSec), src);
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].labels == kB);
  r = evaluate(*binop(BinOp::And, counts(), only_a()), instant_params(20 * kSec), src);
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].labels == kA);
  r = evaluate(*binop(BinOp::Or, only_a(), counts()), instant_params(20 * kSec), src);
  CHECK(r->vector.size() == 2);
}

TEST_CASE("label_replace rewrites with anchored regex and $1 expansion") {
  MemorySource src = two_streams();
  ast::LabelReplace lr;
  lr.inner = range_agg(RangeOp::CountOverTime, {eq("app", "a")}, 15 * kSec);
  lr.dst = "short";
  lr.replacement = "x-$1-${1}";
  lr.src = "env";
  lr.regex = "(p)r";  // anchored: does not match "prod"
  auto e = wrap(std::move(lr));
  auto r = evaluate(*e, instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  CHECK(r->vector.at(0).labels == kA);

  std::get<ast::LabelReplace>(e->node).regex = "(p)r.*";
  r = evaluate(*e, instant_params(20 * kSec), src);
  REQUIRE(r.ok());
  CHECK(r->vector.at(0).labels.get("short") == "x-p-p");
}

TEST_CASE("range functions match Loki's arithmetic") {
  std::deque<WindowPoint> pts{{1 * kSec, 1}, {2 * kSec, 2}, {3 * kSec, 3}};
  // Loki's rate_counter: durations in µs, window start range_ms µs before the first sample:
  // extrapolated interval 2e6 + 10, result 2 * 2000010 / 2e6 / 10s.
  CHECK(aggregate_window(RangeOp::RateCounter, pts, 10 * kSec, std::nullopt, true) == doctest::Approx(0.200001));
  std::deque<WindowPoint> reset{{1 * kSec, 5}, {2 * kSec, 1}, {3 * kSec, 3}};
  // increase = 3 - 5 + 5 (reset) = 3
  CHECK(aggregate_window(RangeOp::RateCounter, reset, 10 * kSec, std::nullopt, true) == doctest::Approx(0.3000015));
  CHECK(aggregate_window(RangeOp::RateCounter, std::deque<WindowPoint>{{1, 4}}, 10 * kSec, std::nullopt, true) == 0);

  std::deque<WindowPoint> q{{1, 1}, {2, 2}, {3, 3}, {4, 4}};
  CHECK(aggregate_window(RangeOp::QuantileOverTime, q, kSec, 0.5, true) == 2.5);
  CHECK(aggregate_window(RangeOp::QuantileOverTime, q, kSec, 0.99, true) == doctest::Approx(3.97));
  CHECK(aggregate_window(RangeOp::AvgOverTime, q, kSec, std::nullopt, true) == 2.5);
  CHECK(aggregate_window(RangeOp::FirstOverTime, q, kSec, std::nullopt, true) == 1);
  CHECK(aggregate_window(RangeOp::LastOverTime, q, kSec, std::nullopt, true) == 4);
  CHECK(aggregate_window(RangeOp::Rate, q, 2 * kSec, std::nullopt, true) == 5);  // sum 10 / 2s
  CHECK(aggregate_window(RangeOp::Rate, q, 2 * kSec, std::nullopt, false) == 2);  // 4 lines / 2s
  std::deque<WindowPoint> sd;
  for (double v : {2, 4, 4, 4, 5, 5, 7, 9}) sd.push_back({0, v});
  CHECK(aggregate_window(RangeOp::StddevOverTime, sd, kSec, std::nullopt, true) == 2);
  CHECK(aggregate_window(RangeOp::StdvarOverTime, sd, kSec, std::nullopt, true) == 4);
}
