#include <doctest/doctest.h>

#include "../logd/fake_ingester.h"
#include "logql/eval/memory_source.h"
#include "query/executor.h"
#include "query/querier.h"

using model::LabelSet;

namespace {

constexpr int64_t kSec = 1'000'000'000;

void add_entry(logd_test::FakeIngester& ing, const std::string& tenant, LabelSet ls, int64_t ts, std::string line) {
  push::Stream s{std::move(ls), {{ts, std::move(line), {}}}};
  (void)ing.push(tenant, {s});
}

query::Outcome run(query::Querier& q, std::vector<std::string> tenants, const std::string& text, logql::QueryParams p,
                   query::Limits limits = {}) {
  return query::execute(text, p, [&]() { return q.source(tenants); }, limits);
}

}  // namespace

TEST_CASE("querier: multi-tenant queries add __tenant_id__ and honour matchers on it") {
  logd_test::FakeIngester ing;
  add_entry(ing, "a", {{"app", "x"}}, 10 * kSec, "from a");
  add_entry(ing, "b", {{"app", "x"}}, 11 * kSec, "from b");
  query::Querier q(&ing, nullptr);
  logql::QueryParams p;
  p.start = 0;
  p.end = 100 * kSec;
  auto out = run(q, {"a", "b"}, R"({app="x"})", p);
  REQUIRE(out.status.ok());
  REQUIRE(out.result.streams.size() == 2);
  CHECK(out.result.streams[0].labels.get("__tenant_id__").value_or("") != "");
  out = run(q, {"a", "b"}, R"({app="x", __tenant_id__="b"})", p);
  REQUIRE(out.result.streams.size() == 1);
  CHECK(out.result.streams[0].entries[0].line == "from b");
  // One tenant: no extra label, other tenants invisible.
  out = run(q, {"a"}, R"({app="x"})", p);
  REQUIRE(out.result.streams.size() == 1);
  CHECK(out.result.streams[0].labels == LabelSet{{"app", "x"}});

  CHECK(*q.label_names({"a", "b"}, 0, 100 * kSec) == std::vector<std::string>{"__tenant_id__", "app"});
  CHECK(*q.label_names({"a"}, 0, 100 * kSec) == std::vector<std::string>{"app"});
  CHECK(*q.label_values({"a", "b"}, "__tenant_id__", {}, 0, 100 * kSec) == std::vector<std::string>{"a", "b"});
  auto series = q.series({"a", "b"}, {{"app", logql::ast::MatchOp::Eq, "x"}}, 0, 100 * kSec);
  REQUIRE(series->size() == 2);
  CHECK((*series)[0] == LabelSet{{"__tenant_id__", "a"}, {"app", "x"}});
  CHECK(q.stats({"a", "b"}, {{"app", logql::ast::MatchOp::Eq, "x"}}, 0, 100 * kSec)->entries == 2);
}

TEST_CASE("executor: Loki's limit errors") {
  logd_test::FakeIngester ing;
  for (int i = 0; i < 5; ++i) add_entry(ing, "t", {{"app", "x"}, {"n", std::to_string(i)}}, (10 + i) * kSec, "l");
  query::Querier q(&ing, nullptr);
  logql::QueryParams p;
  p.start = 0;
  p.end = 100 * kSec;
  p.limit = 6000;
  auto out = run(q, {"t"}, R"({app="x"})", p);
  CHECK(out.status.code() == util::ErrorCode::kInvalidArgument);
  CHECK(out.status.error() == "max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)");
  p.limit = 100;
  p.step = 10 * kSec;
  query::Limits limits;
  limits.max_query_series = 3;
  out = run(q, {"t"}, R"(count_over_time({app="x"}[1m]))", p, limits);
  CHECK(out.status.code() == util::ErrorCode::kInvalidArgument);
  CHECK(out.status.error().rfind("maximum number of series (3) reached for a single query", 0) == 0);
  out = run(q, {"t"}, R"({app=)", p);
  CHECK(out.status.code() == util::ErrorCode::kInvalidArgument);
  CHECK(out.status.error().rfind("parse error", 0) == 0);
}

TEST_CASE("executor: a metric query split over workers gives the unsplit result") {
  logd_test::FakeIngester ing;
  for (int i = 0; i < 2000; ++i) {
    add_entry(ing, "t", {{"app", i % 2 ? "x" : "y"}}, static_cast<int64_t>(i) * kSec, "line");
  }
  query::Querier q(&ing, nullptr);
  logql::QueryParams p;
  p.start = 0;
  p.end = 2000 * kSec;
  p.step = 5 * kSec;
  query::Limits one, four;
  one.max_concurrent = 1;
  four.max_concurrent = 4;
  auto a = run(q, {"t"}, R"(sum by (app) (count_over_time({app=~"x|y"}[30s])))", p, one);
  auto b = run(q, {"t"}, R"(sum by (app) (count_over_time({app=~"x|y"}[30s])))", p, four);
  REQUIRE(a.status.ok());
  REQUIRE(b.status.ok());
  CHECK(a.stats.splits == 1);
  CHECK(b.stats.splits == 4);
  REQUIRE(a.result.matrix.size() == b.result.matrix.size());
  for (size_t i = 0; i < a.result.matrix.size(); ++i) {
    CHECK(a.result.matrix[i].labels == b.result.matrix[i].labels);
    REQUIRE(a.result.matrix[i].points.size() == b.result.matrix[i].points.size());
    for (size_t j = 0; j < a.result.matrix[i].points.size(); ++j) {
      CHECK(a.result.matrix[i].points[j].t == b.result.matrix[i].points[j].t);
      CHECK(a.result.matrix[i].points[j].v == b.result.matrix[i].points[j].v);
    }
  }
}
