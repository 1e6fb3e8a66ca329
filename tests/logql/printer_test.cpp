// LogQL printer: Loki's Prettify() layout (cases from Loki's prettier tests, which use a 20
// character line limit) and Go's float formatting.
#include <doctest/doctest.h>

#include "logql/parser.h"
#include "logql/printer.h"

namespace {

std::string pretty20(const char* query) {
  auto e = logql::parse(query);
  REQUIRE_MESSAGE(e.ok(), e.error());
  std::string out = logql::prettify(e.value(), 20);
  auto back = logql::parse(out);  // the layout must stay a valid query with the same meaning
  REQUIRE_MESSAGE(back.ok(), out << " -> " << back.error());
  CHECK(logql::print(back.value()) == logql::print(e.value()));
  return out;
}

}  // namespace

TEST_CASE("prettify: Loki's prettier cases") {
  CHECK(pretty20(R"({job="loki", instance="localhost"})") == R"({job="loki", instance="localhost"})");
  CHECK(pretty20(R"({job="loki", instance="localhost"}|logfmt|level="error" )") ==
        "{job=\"loki\", instance=\"localhost\"}\n  | logfmt\n  | level=\"error\"");
  CHECK(pretty20(R"(count_over_time({job="loki", instance="localhost"}|logfmt[1m]))") ==
        "count_over_time(\n  {job=\"loki\", instance=\"localhost\"}\n    | logfmt [1m]\n)");
  CHECK(pretty20(
            R"(count_over_time({job="loki", instance="localhost"}|= "error" != "memcached" |= ip("192.168.0.1") |logfmt[1m]))") ==
        "count_over_time(\n  {job=\"loki\", instance=\"localhost\"}\n    |= \"error\"\n    != \"memcached\"\n"
        "    |= ip(\"192.168.0.1\")\n    | logfmt [1m]\n)");
}

TEST_CASE("prettify: aggregations, binary operations, unwrap") {
  CHECK(pretty20(R"(sum by (a) (count_over_time({job="loki"}[1m])))") ==
        "sum by (a)(\n  count_over_time(\n    {job=\"loki\"} [1m]\n  )\n)");
  CHECK(pretty20(R"(sum(rate({a="b"}[1m])) / 2)") == "  sum(\n    rate({a=\"b\"}[1m])\n  )\n/\n  2");
  CHECK(pretty20(R"(topk(5, rate({a="b"}[1m])))") == "topk(\n  5,\n  rate({a=\"b\"}[1m])\n)");
  CHECK(pretty20(R"(sum_over_time({a="b"} | unwrap x | __error__="" [1m]))") ==
        "sum_over_time(\n  {a=\"b\"}\n    | unwrap x\n    | __error__=\"\" [1m]\n)");
  CHECK(pretty20(R"(count_over_time({a="b"}[1m] offset 1h))") ==
        "count_over_time(\n  {a=\"b\"} [1m] offset 1h\n)");
}

TEST_CASE("prettify: short queries stay on one line at Loki's default limit") {
  auto e = logql::parse(R"(sum by (level) (count_over_time({app="x"} |= "error" [1m])))");
  REQUIRE(e.ok());
  CHECK(logql::prettify(e.value()) == R"(sum by (level)(count_over_time({app="x"} |= "error"[1m])))");
}

TEST_CASE("format_float_go follows Go's %v") {
  CHECK(logql::format_float_go(1) == "1");
  CHECK(logql::format_float_go(-2.5) == "-2.5");
  CHECK(logql::format_float_go(0.0001) == "0.0001");
  CHECK(logql::format_float_go(0.00001) == "1e-05");
  CHECK(logql::format_float_go(123456789) == "123456789");
  CHECK(logql::format_float_go(1e21) == "1e+21");
  CHECK(logql::format_float_go(1.5e300) == "1.5e+300");
}

TEST_CASE("print: label filter values") {
  auto e = logql::parse(R"({a="b"} | d >= 1h | s > 1KiB | t < 1000000 | ip != ip("::1"))");
  REQUIRE(e.ok());
  CHECK(logql::print(e.value()) == R"({a="b"} | d>=1h0m0s | s>1024B | t<1000000 | ip!=ip("::1"))");
}
