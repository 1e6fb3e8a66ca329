#include <doctest/doctest.h>

#include "logql/eval/range_aggregation.h"
#include "logql/log/parser_hints.h"
#include "logql/parser.h"

using namespace logql;
using namespace logql::log;

namespace {

const ast::RangeAggregation& range_of(const ast::Expr& e) {
  if (const auto* v = std::get_if<ast::VectorAggregation>(&e.node)) return std::get<ast::RangeAggregation>(v->inner->node);
  return std::get<ast::RangeAggregation>(e.node);
}

ParserHints hints_for(std::string_view query) {
  auto e = parse(query);
  REQUIRE(e.ok());
  const auto& ra = range_of(*e);
  std::optional<ast::Grouping> g = ra.grouping;
  if (const auto* v = std::get_if<ast::VectorAggregation>(&e->node)) {
    if (auto pushed = grouping_pushdown(*v, ra)) g = pushed;
  }
  static const std::vector<ast::LabelFilter> none;
  std::vector<std::string> groups = g ? g->labels : std::vector<std::string>{};
  bool no_labels = ra.op == ast::RangeOp::AbsentOverTime || (g && g->labels.empty() && !g->without);
  return make_parser_hints(ra.range.selector.stages, ra.range.unwrap ? ra.range.unwrap->post_filters : none, groups,
                           g && g->without, no_labels, ra.range.unwrap ? ra.range.unwrap->label : "");
}

}  // namespace

TEST_CASE("parser hints: required labels of a grouped metric query") {
  auto h = hints_for(R"(sum by (level) (count_over_time({a="b"} | json | status >= 500 [1m])))");
  CHECK(h.required == std::vector<std::string>{"level", "status"});
  CHECK_FALSE(h.no_labels);
  CHECK_FALSE(h.preserve_error);
  CHECK(h.should_extract("level"));
  CHECK_FALSE(h.should_extract("msg"));
  CHECK(h.should_extract_prefix("lev"));
  CHECK_FALSE(h.should_extract_prefix("request"));
}

TEST_CASE("parser hints: `_extracted` names also require the parsed name, unwrap and post filters count") {
  auto h = hints_for(R"(sum by (host_extracted) (sum_over_time({a="b"} | logfmt | unwrap bytes(size) | code="x" [1m])))");
  CHECK(h.required == std::vector<std::string>{"code", "host", "host_extracted", "size"});
}

TEST_CASE("parser hints: templates and label_format renames name their labels") {
  auto h = hints_for(R"(sum by (x) (count_over_time({a="b"} | logfmt | line_format "{{.msg | printf \".no\"}} {{ .level }}" | label_format y=z [1m])))");
  CHECK(h.required == std::vector<std::string>{"level", "msg", "x", "z"});
}

TEST_CASE("parser hints: no hints without a `by` grouping; no labels at all for sum()") {
  CHECK_FALSE(hints_for(R"(count_over_time({a="b"} | json [1m]))").active());
  CHECK_FALSE(hints_for(R"(sum without (x) (count_over_time({a="b"} | json [1m])))").active());
  CHECK_FALSE(hints_for(R"(max by (x) (count_over_time({a="b"} | json [1m])))").active());  // not pushed down
  auto none = hints_for(R"(sum(count_over_time({a="b"} | json [1m])))");
  CHECK(none.no_labels);
  CHECK(none.required.empty());
  // With label filters, `sum()` still needs those labels.
  auto filtered = hints_for(R"(sum(count_over_time({a="b"} | json | __error__="" [1m])))");
  CHECK_FALSE(filtered.no_labels);
  CHECK(filtered.required == std::vector<std::string>{"__error__"});
  CHECK(filtered.preserve_error);
}

TEST_CASE("grouping pushdown: only sum over count/rate/bytes/sum_over_time without inner grouping") {
  auto check = [](std::string_view q, bool pushed) {
    auto e = parse(q);
    REQUIRE(e.ok());
    const auto& v = std::get<ast::VectorAggregation>(e->node);
    CHECK_MESSAGE(grouping_pushdown(v, range_of(*e)).has_value() == pushed, q);
  };
  check(R"(sum by (a) (count_over_time({a="b"}[1m])))", true);
  check(R"(sum(rate({a="b"}[1m])))", true);
  check(R"(sum without (a) (bytes_rate({a="b"}[1m])))", true);
  check(R"(sum by (a) (sum_over_time({a="b"} | unwrap x [1m])))", true);
  check(R"(sum by (a) (max_over_time({a="b"} | unwrap x [1m])))", false);
  check(R"(avg by (a) (count_over_time({a="b"}[1m])))", false);
  check(R"(sum by (a) (absent_over_time({a="b"}[1m])))", false);
}
