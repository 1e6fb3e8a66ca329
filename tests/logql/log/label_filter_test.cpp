#include <doctest/doctest.h>

#include <cmath>

#include "golang/strconv.h"
#include "golang/duration.h"
#include "test_util.h"

using namespace logql::log;
using namespace logql::log::testing;
using logql::ast::CmpOp;
using logql::ast::MatchOp;

TEST_CASE("string and regex label filters; regexes are anchored") {
  auto lf = [](logql::ast::LabelFilter f) { return stages(logfmt(), label_filter(std::move(f))); };
  CHECK(run(lf(str_filter("level", MatchOp::Eq, "error")), "{}", "level=error").kept);
  CHECK_FALSE(run(lf(str_filter("level", MatchOp::Eq, "error")), "{}", "level=info").kept);
  CHECK(run(lf(str_filter("level", MatchOp::Re, "err.*")), "{}", "level=error").kept);
  CHECK_FALSE(run(lf(str_filter("level", MatchOp::Re, "rro")), "{}", "level=error").kept);
  CHECK(run(lf(str_filter("level", MatchOp::Nre, "rro")), "{}", "level=error").kept);
  // A missing label reads as "".
  CHECK(run(lf(str_filter("nope", MatchOp::Eq, "")), "{}", "level=error").kept);
  CHECK(run(lf(str_filter("nope", MatchOp::Neq, "x")), "{}", "level=error").kept);
}

TEST_CASE("numeric, duration and bytes filters") {
  auto lf = [](logql::ast::LabelFilter f) { return stages(logfmt(), label_filter(std::move(f))); };
  CHECK(run(lf(num_filter("status", CmpOp::Gte, 500)), "{}", "status=503").kept);
  CHECK_FALSE(run(lf(num_filter("status", CmpOp::Gte, 500)), "{}", "status=200").kept);
  CHECK(run(lf(num_filter("size", CmpOp::Eq, 1.5)), "{}", "size=1.5").kept);
  CHECK_FALSE(run(lf(num_filter("status", CmpOp::Gt, 1)), "{}", "other=1").kept);  // missing label
  auto dur = logql::ast::LabelFilter{logql::ast::DurationLabelFilter{"latency", CmpOp::Gt, 250'000'000}};
  CHECK(run(lf(std::move(dur)), "{}", "latency=1.5s").kept);
  dur = logql::ast::LabelFilter{logql::ast::DurationLabelFilter{"latency", CmpOp::Gt, 250'000'000}};
  CHECK_FALSE(run(lf(std::move(dur)), "{}", "latency=100ms").kept);
  auto bytes = logql::ast::LabelFilter{logql::ast::BytesLabelFilter{"size", CmpOp::Gt, 20'000}};
  CHECK(run(lf(std::move(bytes)), "{}", "size=21KB").kept);
  auto ip = logql::ast::LabelFilter{logql::ast::IpLabelFilter{"addr", CmpOp::Eq, "192.168.0.0/16"}};
  CHECK(run(lf(std::move(ip)), "{}", "addr=192.168.3.4").kept);
  ip = logql::ast::LabelFilter{logql::ast::IpLabelFilter{"addr", CmpOp::Neq, "192.168.0.0/16"}};
  CHECK_FALSE(run(lf(std::move(ip)), "{}", "addr=192.168.3.4").kept);
}

TEST_CASE("conversion failures set LabelFilterErr with Go's error and keep the entry") {
  auto o = run(stages(logfmt(), label_filter(num_filter("status", CmpOp::Gt, 1))), "{}", "status=abc");
  REQUIRE(o.kept);
  CHECK(o.labels ==
        R"({__error__="LabelFilterErr", __error_details__="strconv.ParseFloat: parsing \"abc\": invalid syntax", status="abc"})");
  auto dur = logql::ast::LabelFilter{logql::ast::DurationLabelFilter{"d", CmpOp::Gt, 1}};
  o = run(stages(logfmt(), label_filter(std::move(dur))), "{}", "d=5d");
  CHECK(o.labels == R"({__error__="LabelFilterErr", __error_details__="time: unknown unit \"d\" in duration \"5d\"", d="5d"})");
  // Once an error is set, numeric filters let the entry through; `__error__` filters see it.
  o = run(stages(logfmt(), label_filter(num_filter("status", CmpOp::Gt, 1)),
                 label_filter(str_filter("__error__", MatchOp::Eq, ""))),
          "{}", "status=abc");
  CHECK_FALSE(o.kept);
}

TEST_CASE("and/or trees") {
  auto tree = [] {
    return binary(false, binary(true, str_filter("level", MatchOp::Eq, "error"), num_filter("status", CmpOp::Gte, 500)),
                  str_filter("level", MatchOp::Eq, "fatal"));
  };
  CHECK(run(stages(logfmt(), label_filter(tree())), "{}", "level=error status=500").kept);
  CHECK_FALSE(run(stages(logfmt(), label_filter(tree())), "{}", "level=error status=404").kept);
  CHECK(run(stages(logfmt(), label_filter(tree())), "{}", "level=fatal status=404").kept);
}

TEST_CASE("Go ParseFloat and ParseDuration") {
  CHECK(*golang::parse_float("1e3") == 1000);
  CHECK(*golang::parse_float("-0.5") == -0.5);
  CHECK(*golang::parse_float("0x1p-2") == 0.25);
  CHECK(std::isinf(*golang::parse_float("+Inf")));
  // Go's atof accepts '_' between digits, in decimal too (atof_test: "1_23.50_0_0e+1_2").
  CHECK(*golang::parse_float("1_000") == 1000);
  CHECK(*golang::parse_float("1_23.50_0_0e+1_2") == 1.235e+14);
  CHECK(*golang::parse_float("0x_1p4") == 16);
  CHECK_FALSE(golang::parse_float("1__0").ok());
  CHECK_FALSE(golang::parse_float("_1").ok());
  CHECK_FALSE(golang::parse_float("1_.5").ok());
  CHECK_FALSE(golang::parse_float("1.5e+_2").ok());
  CHECK_FALSE(golang::parse_float("0x1F").ok());
  CHECK_FALSE(golang::parse_float("").ok());
  CHECK_FALSE(golang::parse_float("1.2.3").ok());
  CHECK(golang::parse_float("1e400").error() == R"(strconv.ParseFloat: parsing "1e400": value out of range)");
  CHECK(*golang::parse_duration("1h30m") == 5400'000'000'000);
  CHECK(*golang::parse_duration("1.5s") == 1'500'000'000);
  CHECK(*golang::parse_duration("-2ms") == -2'000'000);
  CHECK(*golang::parse_duration("0") == 0);
  CHECK(golang::parse_duration("10").error() == R"(time: missing unit in duration "10")");
  CHECK(golang::parse_duration("").error() == R"(time: invalid duration "")");
}
