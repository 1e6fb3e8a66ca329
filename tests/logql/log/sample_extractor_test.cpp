#include <doctest/doctest.h>

#include "test_util.h"

using namespace logql::log;
using namespace logql::log::testing;
using logql::ast::RangeOp;

namespace {

struct Sample {
  bool kept = false;
  double value = 0;
  std::string labels;
};

logql::ast::LogRange range(std::vector<logql::ast::Stage> st, std::optional<logql::ast::Unwrap> unwrap = std::nullopt) {
  logql::ast::LogRange r;
  r.selector.stages = std::move(st);
  r.unwrap = std::move(unwrap);
  r.range_ns = 60'000'000'000;
  return r;
}

logql::ast::Unwrap unwrap(std::string label, logql::ast::UnwrapConversion c = logql::ast::UnwrapConversion::None) {
  logql::ast::Unwrap u;
  u.label = std::move(label);
  u.conversion = c;
  return u;
}

Sample extract(const logql::ast::LogRange& r, RangeOp op, const std::optional<logql::ast::Grouping>& g,
               const std::string& stream, const std::string& line) {
  auto ex = SampleExtractor::compile(r, op, g);
  REQUIRE_MESSAGE(ex.ok(), (ex.ok() ? "" : ex.error()));
  auto ls = model::parse_label_set(stream);
  REQUIRE(ls.ok());
  auto s = ex->for_stream(*ls);
  Sample out;
  const ResultLabels* res = nullptr;
  out.kept = s->process(0, line, {}, out.value, res);
  if (out.kept) out.labels = res->labels.to_string();
  return out;
}

}  // namespace

TEST_CASE("count and bytes extraction") {
  auto s = extract(range(stages(logfmt())), RangeOp::CountOverTime, std::nullopt, R"({app="a"})", "x=1");
  CHECK(s.value == 1);
  CHECK(s.labels == R"({app="a", x="1"})");
  s = extract(range(stages(line_filter(logql::ast::LineFilterOp::Contains, {"x"}))), RangeOp::BytesOverTime, std::nullopt,
              R"({app="a"})", "x=123");
  CHECK(s.value == 5);
  CHECK_FALSE(extract(range(stages(line_filter(logql::ast::LineFilterOp::Contains, {"z"}))), RangeOp::Rate, std::nullopt,
                      "{}", "x")
                  .kept);
}

TEST_CASE("unwrap: float, duration, bytes; the unwrapped label leaves the series") {
  auto s = extract(range(stages(logfmt()), unwrap("latency")), RangeOp::SumOverTime, std::nullopt, R"({app="a"})",
                   "latency=1.5 path=/x");
  CHECK(s.value == 1.5);
  CHECK(s.labels == R"({app="a", path="/x"})");
  s = extract(range(stages(logfmt()), unwrap("took", logql::ast::UnwrapConversion::Duration)), RangeOp::AvgOverTime,
              std::nullopt, "{}", "took=250ms");
  CHECK(s.value == doctest::Approx(0.25));
  s = extract(range(stages(logfmt()), unwrap("size", logql::ast::UnwrapConversion::Bytes)), RangeOp::MaxOverTime,
              std::nullopt, "{}", "size=2KiB");
  CHECK(s.value == 2048);
  // No value: no sample.
  CHECK_FALSE(extract(range(stages(logfmt()), unwrap("latency")), RangeOp::SumOverTime, std::nullopt, "{}", "x=1").kept);
}

TEST_CASE("unwrap conversion errors set SampleExtractionErr; post filters can drop them") {
  auto s = extract(range(stages(logfmt()), unwrap("latency")), RangeOp::SumOverTime, std::nullopt, "{}", "latency=abc");
  REQUIRE(s.kept);
  CHECK(s.value == 0);
  CHECK(s.labels ==
        R"({__error__="SampleExtractionErr", __error_details__="strconv.ParseFloat: parsing \"abc\": invalid syntax", latency="abc"})");
  auto u = unwrap("latency");
  u.post_filters.push_back(str_filter("__error__", logql::ast::MatchOp::Eq, ""));
  CHECK_FALSE(extract(range(stages(logfmt()), std::move(u)), RangeOp::SumOverTime, std::nullopt, "{}", "latency=abc").kept);
}

TEST_CASE("range aggregation grouping reduces the series labels") {
  logql::ast::Grouping by{false, {"path"}};
  auto s = extract(range(stages(logfmt()), unwrap("latency")), RangeOp::SumOverTime, by, R"({app="a"})",
                   "latency=2 path=/x method=GET");
  CHECK(s.labels == R"({path="/x"})");
  logql::ast::Grouping without{true, {"method"}};
  s = extract(range(stages(logfmt()), unwrap("latency")), RangeOp::SumOverTime, without, R"({app="a"})",
              "latency=2 path=/x method=GET");
  CHECK(s.labels == R"({app="a", path="/x"})");
  logql::ast::Grouping none{false, {}};
  s = extract(range(stages(logfmt()), unwrap("latency")), RangeOp::SumOverTime, none, R"({app="a"})", "latency=2");
  CHECK(s.labels == "{}");
  // Errors are never grouped away.
  s = extract(range(stages(logfmt()), unwrap("latency")), RangeOp::SumOverTime, by, R"({app="a"})", "latency=x path=/");
  CHECK(s.labels.find("SampleExtractionErr") != std::string::npos);
}

TEST_CASE("extractor compile checks unwrap against the operation") {
  CHECK_FALSE(SampleExtractor::compile(range({}), RangeOp::SumOverTime, std::nullopt).ok());
  CHECK_FALSE(SampleExtractor::compile(range({}, unwrap("x")), RangeOp::CountOverTime, std::nullopt).ok());
}
