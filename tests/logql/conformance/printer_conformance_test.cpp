// Conformance of logql::print with Loki 3.x's String() forms (pkg/logql/syntax/ast.go and
// pkg/logql/log/label_filter.go): the canonical text that Loki's query frontend re-parses and
// that `logcli fmt` shows. Expectations are derived from those String() methods.
#include <doctest/doctest.h>

#include <string>

#include "logql/parser.h"
#include "logql/printer.h"

namespace {

std::string canonical(const char* query) {
  auto e = logql::parse(query);
  REQUIRE_MESSAGE(e.ok(), query << ": " << e.error());
  return logql::print(e.value());
}

}  // namespace

TEST_CASE("conformance print: selectors, line filters, parsers and formatters") {
  CHECK(canonical(R"({foo="bar",bar!="baz"}|="a" or "b"|~"x"!=ip("127.0.0.1")|>"<_> x")") ==
        R"({foo="bar", bar!="baz"} |= "a" or "b" |~ "x" != ip("127.0.0.1") |> "<_> x")");
  // Backquoted strings are printed with Go's strconv.Quote.
  CHECK(canonical("{a=\"b\"} |= `x\"y`") == R"({a="b"} |= "x\"y")");
  // json/logfmt parameters are joined by "," without a space; flags keep their order.
  CHECK(canonical(R"({a="b"} | json foo="bar", baz="q.r" | logfmt --strict --keep-empty)") ==
        R"({a="b"} | json foo="bar",baz="q.r" | logfmt --strict --keep-empty)");
  CHECK(canonical(R"x({a="b"} | regexp "(?P<foo>foo|bar)" | pattern "<foo> bar" | unpack | decolorize)x") ==
        R"x({a="b"} | regexp "(?P<foo>foo|bar)" | pattern "<foo> bar" | unpack | decolorize)x");
  CHECK(canonical(R"({a="b"} | line_format "{{.foo}}" | label_format foo=bar, baz="{{.qux}}")") ==
        R"({a="b"} | line_format "{{.foo}}" | label_format foo=bar,baz="{{.qux}}")");
  CHECK(canonical(R"({a="b"} | drop a, b="c" | keep d)") == R"({a="b"} | drop a,b="c" | keep d)");
}

TEST_CASE("conformance print: label filters") {
  // Binary label filters print fully parenthesised with " , " for and; numeric filters have no
  // spaces; durations use Go's time.Duration.String().
  CHECK(canonical(R"({a="b"} | foo="bar" or baz=~"q" and x>=5 | l > 250ms | m < 90m)") ==
        R"({a="b"} | ( foo="bar" or ( baz=~"q" , x>=5 ) ) | l>250ms | m<1h30m0s)");
  // Bytes use go-humanize's Bytes (powers of 1000, no space) when that is exact.
  CHECK(canonical(R"({a="b"} | s >= 1KB | v > 20MB | u > 5B)") == R"({a="b"} | s>=1.0kB | v>20MB | u>5B)");
}

// LOKI-MISMATCH: Loki's BytesLabelFilter.String() always uses humanize.Bytes, so 1KiB prints as
// `1.0kB`, 1536B as `1.5kB`, 2GiB as `2.1GB` (lossy: these re-parse as 1000, 1500, 2100000000).
// We print the exact value (`1024B`, `1536B`, `2147483648B`) instead.
TEST_CASE("conformance print: lossy humanized bytes like Loki" * doctest::skip()) {
  CHECK(canonical(R"({a="b"} | s > 1KiB | t > 1536B | w >= 2GiB)") == R"({a="b"} | s>1.0kB | t>1.5kB | w>=2.1GB)");
}

TEST_CASE("conformance print: metric queries") {
  // Range: `[%v]` of a Prometheus model.Duration right after the pipeline; offset with Go's
  // time.Duration.String().
  CHECK(canonical(R"(count_over_time({a="b"}[90s]))") == R"(count_over_time({a="b"}[1m30s]))");
  CHECK(canonical(R"(rate({a="b"} |= "x" [5m] offset 1h))") == R"(rate({a="b"} |= "x"[5m] offset 1h0m0s))");
  CHECK(canonical(R"(quantile_over_time(0.99, {a="b"} | unwrap duration(x) | __error__="" [1m]) by (foo))") ==
        R"(quantile_over_time(0.99,{a="b"} | unwrap duration(x) | __error__=""[1m]) by (foo))");
  CHECK(canonical(R"(max_over_time({a="b"} | unwrap bytes(x) [5m]) without (y))") ==
        R"(max_over_time({a="b"} | unwrap bytes(x)[5m]) without (y))");
  // Vector aggregations: grouping before the parenthesis, labels joined by ",", params by ",".
  CHECK(canonical(R"(sum(count_over_time({a="b"}[1m])) by (x, y))") ==
        R"(sum by (x,y)(count_over_time({a="b"}[1m])))");
  CHECK(canonical(R"(topk(5, rate({a="b"}[1m])))") == R"(topk(5,rate({a="b"}[1m])))");
  CHECK(canonical(R"(sort_desc(sum without (a) (rate({a="b"}[1m]))))") ==
        R"(sort_desc(sum without (a)(rate({a="b"}[1m]))))");
  CHECK(canonical(R"x(label_replace(rate({a="b"}[1m]), "d", "$1", "s", "(.*)"))x") ==
        R"x(label_replace(rate({a="b"}[1m]),"d","$1","s","(.*)"))x");
  // Binary operations are parenthesised; vector() prints its value with %f; an on/ignoring
  // clause without group_left/right leaves Loki's double space.
  CHECK(canonical(R"(vector(1) + 2)") == R"((vector(1.000000) + 2))");
  CHECK(canonical(R"(sum(rate({a="b"}[1m])) / on(a) group_left(c) sum by (a) (rate({a="b"}[1m])) > bool 2)") ==
        R"(((sum(rate({a="b"}[1m])) / on (a) group_left (c) sum by (a)(rate({a="b"}[1m]))) > bool 2))");
  CHECK(canonical(R"(count_over_time({a="b"}[1m]) or ignoring(x) vector(0))") ==
        R"((count_over_time({a="b"}[1m]) or ignoring (x)  vector(0.000000)))");
}
