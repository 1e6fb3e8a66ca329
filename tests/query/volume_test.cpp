#include <doctest/doctest.h>

#include "query/volume.h"

namespace {

using logql::ast::MatchOp;
using logql::ast::Matcher;
using query::VolumeAggregation;
using query::VolumeRequest;

constexpr int64_t kSec = 1'000'000'000;

store::StreamSpans stream(model::LabelSet labels, std::vector<store::ChunkSpan> spans) {
  return store::StreamSpans{std::move(labels), std::move(spans)};
}

// One span of `bytes` covering exactly [from, to) seconds.
store::ChunkSpan span(int64_t from, int64_t to, uint64_t bytes) {
  return store::ChunkSpan{from * kSec, to * kSec - 1, 1, bytes};
}

std::string render(const std::vector<model::Label>& metric) {
  std::string out = "{";
  for (const auto& l : metric) out += (out.size() > 1 ? "," : "") + l.name + "=" + l.value;
  return out + "}";
}

// "{labels}@<seconds>=<bytes> ..." per series, in answer order.
std::vector<std::string> summarize(const std::vector<query::VolumeSeries>& series) {
  std::vector<std::string> out;
  for (const auto& s : series) {
    std::string line = render(s.metric);
    for (const auto& p : s.points) line += " " + std::to_string(p.timestamp / 1'000'000) + "=" + std::to_string(p.bytes);
    out.push_back(line);
  }
  return out;
}

std::vector<store::StreamSpans> fixture() {
  return {
      stream({{"env", "prod"}, {"job", "foo"}, {"team", "alpha"}}, {span(0, 10, 100)}),
      stream({{"env", "prod"}, {"job", "bar"}, {"team", "beta"}}, {span(0, 10, 40)}),
      stream({{"env", "dev"}, {"job", "foo"}, {"team", "alpha"}}, {span(0, 10, 30), span(10, 20, 30)}),
      stream({{"env", "dev"}, {"job", "bar"}, {"team", "beta"}}, {span(0, 10, 5)}),
  };
}

VolumeRequest request(std::vector<Matcher> matchers) {
  VolumeRequest r;
  r.matchers = std::move(matchers);
  r.start = 0;
  r.end = 20 * kSec;
  return r;
}

}  // namespace

TEST_CASE("volume: by default streams aggregate into the labels the selector names (Loki's example)") {
  // {job="foo", env=~".+"} gives {env="dev",job="foo"} and {env="prod",job="foo"}; the caller
  // selected the foo streams, the aggregation drops `team`.
  auto r = request({{"job", MatchOp::Eq, "foo"}, {"env", MatchOp::Re, ".+"}});
  std::vector<store::StreamSpans> foo = {fixture()[0], fixture()[2]};
  CHECK(summarize(query::aggregate_volume(foo, r)) ==
        std::vector<std::string>{"{env=prod,job=foo} 20000=100", "{env=dev,job=foo} 20000=60"});
}

TEST_CASE("volume: targetLabels aggregate into those labels only, and select streams having them") {
  auto r = request({{"env", MatchOp::Neq, "dev"}});
  r.target_labels = {"team"};
  auto sel = query::volume_selection(r);
  REQUIRE(sel.size() == 2);
  CHECK(sel[1].name == "team");
  CHECK(sel[1].op == MatchOp::Re);
  CHECK(sel[1].value == ".+");
  std::vector<store::StreamSpans> prod = {fixture()[0], fixture()[1]};
  CHECK(summarize(query::aggregate_volume(prod, r)) ==
        std::vector<std::string>{"{team=alpha} 20000=100", "{team=beta} 20000=40"});
}

TEST_CASE("volume: aggregateBy=labels sums per label name, every label without targets") {
  auto r = request({{"job", MatchOp::Re, ".+"}});
  r.aggregate_by = VolumeAggregation::kLabels;
  // Every stream has env, job and team: each name carries the total; ties order by name.
  CHECK(summarize(query::aggregate_volume(fixture(), r)) ==
        std::vector<std::string>{"{env=} 20000=205", "{job=} 20000=205", "{team=} 20000=205"});
  r.target_labels = {"team"};
  CHECK(summarize(query::aggregate_volume(fixture(), r)) == std::vector<std::string>{"{team=} 20000=205"});
}

TEST_CASE("volume: a match-all selector keeps every label but the tenant's") {
  auto r = request({});
  std::vector<store::StreamSpans> one = {
      stream({{"__tenant_id__", "t1"}, {"app", "web"}}, {span(0, 10, 7)}),
  };
  CHECK(summarize(query::aggregate_volume(one, r)) == std::vector<std::string>{"{app=web} 20000=7"});
}

TEST_CASE("volume: limit keeps the largest series, ordered by bytes then labels") {
  auto r = request({{"job", MatchOp::Re, ".+"}, {"env", MatchOp::Re, ".+"}});
  r.limit = 2;
  CHECK(summarize(query::aggregate_volume(fixture(), r)) ==
        std::vector<std::string>{"{env=prod,job=foo} 20000=100", "{env=dev,job=foo} 20000=60"});
}

TEST_CASE("volume_range: buckets aligned to step, stamped at their end, chunks prorated") {
  auto r = request({{"job", MatchOp::Eq, "foo"}});
  r.start = 5 * kSec;
  r.end = 20 * kSec;
  r.step = 10 * kSec;
  // Buckets [5,10) stamped 9.999 s and [10,20) stamped 20 s (the range's end). The dev stream's
  // first span puts half of its 30 bytes in the first bucket; prod's 100 bytes over [0,10) put 50.
  std::vector<store::StreamSpans> foo = {fixture()[0], fixture()[2]};
  CHECK(summarize(query::aggregate_volume(foo, r)) ==
        std::vector<std::string>{"{job=foo} 9999=65 20000=30"});
}

TEST_CASE("volume: prorating splits a span's bytes exactly across adjacent ranges") {
  store::ChunkSpan s{0, 2, 1, 10};  // three nanoseconds, 10 bytes
  CHECK(query::prorated_bytes(s, 0, 1) + query::prorated_bytes(s, 1, 2) + query::prorated_bytes(s, 2, 3) == 10);
  CHECK(query::prorated_bytes(s, -100, 100) == 10);
  CHECK(query::prorated_bytes(s, 3, 100) == 0);
  CHECK(query::prorated_bytes(s, 2, 1) == 0);
  store::ChunkSpan point{5, 5, 1, 42};  // one entry: all or nothing
  CHECK(query::prorated_bytes(point, 5, 6) == 42);
  CHECK(query::prorated_bytes(point, 0, 5) == 0);
}

TEST_CASE("volume: a series without bytes in a bucket has no point there") {
  auto r = request({{"env", MatchOp::Eq, "dev"}, {"job", MatchOp::Eq, "bar"}});
  r.step = 10 * kSec;
  std::vector<store::StreamSpans> dev_bar = {fixture()[3]};
  CHECK(summarize(query::aggregate_volume(dev_bar, r)) == std::vector<std::string>{"{env=dev,job=bar} 9999=5"});
}
