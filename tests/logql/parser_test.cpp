// LogQL parser: the docs' example queries parse, print in Loki's String() form and round-trip
// (parse(print(e)) has the same structure, printing is idempotent); invalid queries fail with
// Loki's message at the right position.
#include <doctest/doctest.h>

#include "logql/parser.h"
#include "logql/printer.h"
#include "parse_ast_dump.h"

using logql::testing::dump;

namespace {

struct Valid {
  const char* query;
  const char* printed;  // Loki's String(); nullptr: only check the round trip
};

// Mostly from Loki's LogQL docs (log queries, metric queries, template functions, matching operators).
const Valid kValid[] = {
    {R"({app="mysql",name="mysql-backup"})", R"({app="mysql", name="mysql-backup"})"},
    {R"({name=~"mysql.+"})", nullptr},
    {R"({app="x", name!~"mysql.+"})", nullptr},
    {"{a=\"b\",name!~`mysql-\\d+`}", R"({a="b", name!~"mysql-\\d+"})"},
    {R"(<app="x", env=~"p.*">)", R"({app="x", env=~"p.*"})"},
    {R"({container="query-frontend",namespace="loki-dev"} |= "metrics.go" | logfmt | duration > 10s and throughput_mb < 500)",
     R"({container="query-frontend", namespace="loki-dev"} |= "metrics.go" | logfmt | ( duration>10s , throughput_mb<500 ))"},
    {R"({job="mysql"} |= "error" != "timeout")", nullptr},
    {R"({app="foo"} |= "bar" | json | status >= 500)", R"({app="foo"} |= "bar" | json | status>=500)"},
    {R"({job="mysql"} |~ "error|fatal" or "panic")", R"({job="mysql"} |~ "error|fatal" or "panic")"},
    {R"({job="mysql"} != "a" or "b")", R"({job="mysql"} != "a" != "b")"},
    {R"({app="x"} |> "<_> error <_>" !> "<_> debug <_>")", nullptr},
    {R"({job="nginx"} |= ip("192.168.4.5/16"))", R"({job="nginx"} |= ip("192.168.4.5/16"))"},
    {R"({job="nginx"} | logfmt | addr = ip("192.168.4.5/16"))", R"({job="nginx"} | logfmt | addr=ip("192.168.4.5/16"))"},
    {R"({job="nginx"} | logfmt | addr != ip("10.0.0.0-10.0.0.255"))", nullptr},
    {R"({job="mysql"} | json | line_format "{{.message}}")", nullptr},
    {R"({app="x"} | json first_server="servers[0]", ua="request.headers[\"User-Agent\"]")",
     R"({app="x"} | json first_server="servers[0]",ua="request.headers[\"User-Agent\"]")"},
    {R"({app="x"} | json a, b="c.d")", R"({app="x"} | json a="a",b="c.d")"},
    {R"({app="x"} | logfmt --strict --keep-empty)", nullptr},
    {R"({app="x"} | logfmt --strict host, fwd_ip="fwd")", R"({app="x"} | logfmt --strict host="host",fwd_ip="fwd")"},
    {R"q({app="x"} | regexp "(?P<method>\\w+) (?P<path>[\\w|/]+)")q", nullptr},
    {R"({job="nginx"} | pattern "<ip> - - <_> \"<method> <uri> <_>\" <status> <size> <_> \"<agent>\" <_>")", nullptr},
    {R"({app="x"} | unpack | decolorize)", nullptr},
    {R"({app="x"} | label_format foo=bar, baz="{{.foo}}-{{.bar}}")", R"({app="x"} | label_format foo=bar,baz="{{.foo}}-{{.bar}}")"},
    {R"({app="x"} | drop level, method="GET", __error__)", R"({app="x"} | drop level,method="GET",__error__)"},
    {R"({app="x"} | keep level, method="GET")", R"({app="x"} | keep level,method="GET")"},
    {R"({app="x"} | logfmt | level="error" or level="warn" and status>=400)",
     R"({app="x"} | logfmt | ( level="error" or ( level="warn" , status>=400 ) ))"},
    {R"({app="x"} | logfmt | (level="error" or level="warn"), status>=400)",
     R"({app="x"} | logfmt | ( ( level="error" or level="warn" ) , status>=400 ))"},
    {R"({app="x"} | logfmt | a="1", b="2" or c="3")", R"({app="x"} | logfmt | ( a="1" , ( b="2" or c="3" ) ))"},
    {R"({app="x"} | logfmt | a="1" b="2")", R"({app="x"} | logfmt | ( a="1" , b="2" ))"},
    {R"({app="x"} | json | size > 20KB | latency >= 1m30s | n == -1.5 | __error__="")",
     R"({app="x"} | json | size>20kB | latency>=1m30s | n==-1.5 | __error__="")"},
    {R"({app="x"} | logfmt | size < 1.5MiB)", R"({app="x"} | logfmt | size<1572864B)"},
    {R"(count_over_time({job="mysql"}[5m]))", R"(count_over_time({job="mysql"}[5m]))"},
    {R"(sum by (host) (rate({job="mysql"} |= "error" != "timeout" | json | duration > 10s [1m])))",
     R"(sum by (host)(rate({job="mysql"} |= "error" != "timeout" | json | duration>10s[1m])))"},
    {R"(sum(count_over_time({app="x"}[1m])) by (level))", R"(sum by (level)(count_over_time({app="x"}[1m])))"},
    {R"(topk(10,sum(rate({region="us-east1"}[5m])) by (name)))", R"(topk(10,sum by (name)(rate({region="us-east1"}[5m]))))"},
    {R"(avg(rate(({job="nginx"} |= "GET")[10s])) by (region))", R"(avg by (region)(rate({job="nginx"} |= "GET"[10s])))"},
    {R"(quantile_over_time(0.99, {cluster="ops-tools1",container="ingress-nginx"} | json | __error__ = "" | unwrap request_time [1m]) by (path))",
     R"(quantile_over_time(0.99,{cluster="ops-tools1", container="ingress-nginx"} | json | __error__="" | unwrap request_time[1m]) by (path))"},
    {R"(sum by (org_id) (sum_over_time({cluster="ops-tools1",container="loki-dev"} |= "metrics.go" | logfmt | unwrap bytes_processed [1m])))", nullptr},
    {R"(max_over_time({app="x"} | logfmt | unwrap duration(latency) | __error__="" [5m]) by (a))",
     R"(max_over_time({app="x"} | logfmt | unwrap duration(latency) | __error__=""[5m]) by (a))"},
    {R"(avg_over_time({app="x"} | unwrap bytes(size) [5m]))", R"(avg_over_time({app="x"} | unwrap bytes(size)[5m]))"},
    {R"(sum_over_time({app="x"} | unwrap duration_seconds(d) [5m]))", nullptr},
    {R"(count_over_time({a="b"}[5m] |= "x"))", R"(count_over_time({a="b"} |= "x"[5m]))"},
    {R"(count_over_time({a="b"}[5m] offset 1h |= "x"))", R"(count_over_time({a="b"} |= "x"[5m] offset 1h0m0s))"},
    {R"(rate({a="b"}[5m] offset 5m))", R"(rate({a="b"}[5m] offset 5m0s))"},
    {R"(count_over_time(({a="b"} | json)[1h]))", R"(count_over_time({a="b"} | json[1h]))"},
    {R"(rate_counter({a="b"} | unwrap x [1m]))", nullptr},
    {R"(absent_over_time({a="b"}[1m]))", nullptr},
    {R"(bytes_rate({a="b"}[1m]) + bytes_over_time({a="b"}[1m]))", R"((bytes_rate({a="b"}[1m]) + bytes_over_time({a="b"}[1m])))"},
    {R"(first_over_time({a="b"} | unwrap x [1m]) by (c))", nullptr},
    {R"(sum(rate({app="foo", level="warn"}[1m])) / sum(rate({app="foo", level="error"}[1m])))",
     R"((sum(rate({app="foo", level="warn"}[1m])) / sum(rate({app="foo", level="error"}[1m]))))"},
    {R"(sum(rate({a="b"}[1m])) * 2 + 1)", R"(((sum(rate({a="b"}[1m])) * 2) + 1))"},
    {R"(1 + sum(rate({a="b"}[1m])) * 2)", R"((1 + (sum(rate({a="b"}[1m])) * 2)))"},
    {R"(2 ^ 3 ^ 2)", "512"},
    {R"(1 + 2 * 3)", "7"},
    {R"(-1)", "-1"},
    {R"(1e3)", "1000"},
    {R"(2.5e-7)", "2.5e-07"},
    {R"(1e21)", "1e+21"},
    {R"(sum(rate({a="b"}[1m])) - -1)", R"((sum(rate({a="b"}[1m])) - -1))"},
    {R"(sum(rate({a="b"}[1m])) > bool 10)", R"((sum(rate({a="b"}[1m])) > bool 10))"},
    {R"(rate({a="b"}[1m]) / on (c, d) group_left (e) rate({a="c"}[1m]))",
     R"((rate({a="b"}[1m]) / on (c,d) group_left (e) rate({a="c"}[1m])))"},
    {R"(rate({a="b"}[1m]) / ignoring (c) rate({a="c"}[1m]))", R"((rate({a="b"}[1m]) / ignoring (c)  rate({a="c"}[1m])))"},
    {R"(rate({a="b"}[1m]) * on () group_right rate({a="c"}[1m]))", R"((rate({a="b"}[1m]) * on () group_right rate({a="c"}[1m])))"},
    {R"(rate({a="b"}[1m]) or vector(0))", R"((rate({a="b"}[1m]) or vector(0.000000)))"},
    {R"(rate({a="b"}[1m]) and rate({a="c"}[1m]) unless rate({a="d"}[1m]) or rate({a="e"}[1m]))",
     R"((((rate({a="b"}[1m]) and rate({a="c"}[1m])) unless rate({a="d"}[1m])) or rate({a="e"}[1m])))"},
    {R"(label_replace(rate({job="api-server",service="a:c"} |= "err" [5m]), "foo", "$1", "service", "(.*):.*"))",
     R"(label_replace(rate({job="api-server", service="a:c"} |= "err"[5m]),"foo","$1","service","(.*):.*"))"},
    {R"(sort_desc(sum by (a) (rate({b="c"}[1m]))))", nullptr},
    {R"(sort(rate({b="c"}[1m])))", nullptr},
    {R"(bottomk(3, rate({b="c"}[1m])))", R"(bottomk(3,rate({b="c"}[1m])))"},
    {R"(count without (a) (rate({b="c"}[1m])))", R"(count without (a)(rate({b="c"}[1m])))"},
    {R"(sum by () (rate({b="c"}[1m])))", R"(sum(rate({b="c"}[1m])))"},
    {R"(stddev(stdvar(min(max(rate({b="c"}[1m]))))))", nullptr},
    {R"(SUM(COUNT_OVER_TIME({a="b"}[1m])))", R"(sum(count_over_time({a="b"}[1m])))"},
    {"{a=\"b\"} # comment\n |= \"x\"", R"({a="b"} |= "x")"},
    {R"(({a="b"} |= "x"))", R"({a="b"} |= "x")"},
    {R"((sum(rate({a="b"}[1m]))))", R"(sum(rate({a="b"}[1m])))"},
    {R"(vector(1))", "vector(1.000000)"},
    {R"({a="\u00e9\t"})", "{a=\"\u00e9\\t\"}"},
};

struct Invalid {
  const char* query;
  const char* error;  // substring
  int line, col;  // 0, 0: Loki reports it without a position ("parse error : ...")
};

const Invalid kInvalid[] = {
    {R"({})", "queries require at least one regexp or equality matcher that does not have an empty-compatible value", 0, 0},
    {R"({app=~".*"})", "For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will", 0, 0},
    {R"({app=""})", "at least one regexp or equality matcher", 0, 0},
    {R"({name!~"mysql.+"})", "at least one regexp or equality matcher", 0, 0},
    {R"({app!="x"})", "at least one regexp or equality matcher", 0, 0},
    {R"({app=~"("})", "error parsing regexp", 0, 0},
    {R"({app="x"} |~ "(")", "error parsing regexp", 1, 11},
    {R"(sum({app="x"}))", "unexpected ), expecting RANGE", 1, 14},
    {R"(foo_over_time({app="x"}[5m]))", "unknown function \"foo_over_time\"", 1, 1},
    {R"({app="x"} + {app="y"})", "unexpected type for left leg of binary operation (+)", 0, 0},
    {R"(count_over_time({app="x"}[5m]) / {app="y"})", "unexpected type for right leg of binary operation (/)", 0, 0},
    {R"(count_over_time({app="x"} | unwrap x [5m]))", "invalid aggregation count_over_time with unwrap", 0, 0},
    {R"(sum_over_time({app="x"}[5m]))", "invalid aggregation sum_over_time without unwrap", 0, 0},
    {R"(rate({app="x"}[5m]) by (a))", "grouping not allowed for rate aggregation", 0, 0},
    {R"(quantile_over_time({app="x"} | unwrap x [5m]))", "parameter required for operation quantile_over_time", 0, 0},
    {R"(rate(0.5, {app="x"}[5m]))", "parameter 0.5 not supported for operation rate", 0, 0},
    {R"(topk(rate({app="x"}[5m])))", "parameter required for operation topk", 0, 0},
    {R"(topk(1.5, rate({app="x"}[5m])))", "invalid parameter topk(1.5,", 0, 0},
    {R"(topk(0, rate({app="x"}[5m])))", "invalid parameter (must be greater than 0) topk(0", 0, 0},
    {R"(sum(5, rate({app="x"}[5m])))", "unsupported parameter for operation sum(5,", 0, 0},
    {R"(sort by (a) (rate({app="x"}[5m])))", "sort and sort_desc doesn't allow grouping by", 0, 0},
    {R"({app="x"} | unwrap x)", "unexpected |", 1, 11},
    {R"({app="x"}[5m])", "unexpected RANGE", 1, 10},
    {R"(count_over_time({app="x"}))", "unexpected ), expecting RANGE", 1, 26},
    {R"(rate({app="x"}[5m]) or 1)", "unexpected literal for right leg of logical/set binary operation (or): 1.000000", 0, 0},
    {R"q({app="x"} | regexp "(\\w+)")q", "invalid regexp parser: at least one named capture must be supplied", 1, 13},
    {R"({app="x"} | regexp "foo")", "at least one named capture must be supplied", 1, 13},
    {R"({app="x"} | pattern "foo")", "invalid pattern parser: at least one capture is required", 1, 13},
    {R"({app="x"} | pattern "<a><b>")", "consecutive capture", 1, 13},
    {R"({app="x"} |= "a)", "literal not terminated", 1, 14},
    {R"(label_replace(rate({a="b"}[1m]), "d", "r", "s", "("))", "invalid regex in label_replace", 0, 0},
    {R"({app="x",})", "unexpected }, expecting IDENTIFIER", 1, 10},
    {"{app=\"x\"}\n | json\n | status >", "unexpected $end, expecting NUMBER, DURATION or BYTES", 3, 12},
    {R"(rate({app="x"}[5x]))", "not a valid duration string", 1, 15},
    {R"({app="x"} |~ ip("1.2.3.4"))", "ip() line filters only support |= and !=", 1, 11},
    // Numbers beyond float64, refused as Go's ParseFloat refuses them (found by fuzzing).
    {"222222222E2222222",
     "unable to parse literal as a float: strconv.ParseFloat: parsing \"222222222E2222222\": value out of range", 0, 0},
    {"vector(1e999)", "unable to parse vectorExpr as a float: strconv.ParseFloat: parsing \"1e999\"", 0, 0},
    {R"({app="x"} | logfmt | size > 1e400)", "unable to parse float: strconv.ParseFloat: parsing \"1e400\"", 0, 0},
    {R"(quantile_over_time(1e400, {app="x"} | unwrap x [5m]))",
     "invalid parameter for operation quantile_over_time: strconv.ParseFloat: parsing \"1e400\": value out of range", 0, 0},
};

void check_round_trip(const std::string& query) {
  auto first = logql::parse(query);
  REQUIRE_MESSAGE(first.ok(), query << " -> " << first.error());
  std::string printed = logql::print(first.value());
  auto second = logql::parse(printed);
  REQUIRE_MESSAGE(second.ok(), printed << " -> " << second.error());
  CHECK_MESSAGE(dump(second.value()) == dump(first.value()), query << " printed as " << printed);
  CHECK(logql::print(second.value()) == printed);
  // The prettified form must parse back to the same tree as well.
  std::string pretty = logql::prettify(first.value());
  auto third = logql::parse(pretty);
  REQUIRE_MESSAGE(third.ok(), pretty << " -> " << third.error());
  CHECK_MESSAGE(dump(third.value()) == dump(first.value()), pretty);
}

}  // namespace

TEST_CASE("parser: valid queries print in Loki's form and round-trip") {
  for (const auto& v : kValid) {
    std::string query = v.query;
    CAPTURE(query);
    auto e = logql::parse(v.query);
    REQUIRE_MESSAGE(e.ok(), e.error());
    if (v.printed) CHECK(logql::print(e.value()) == v.printed);
    check_round_trip(v.query);
  }
}

TEST_CASE("parser: invalid queries report Loki's message and position") {
  for (const auto& inv : kInvalid) {
    std::string query = inv.query;
    CAPTURE(query);
    auto e = logql::parse(inv.query);
    REQUIRE_FALSE(e.ok());
    std::string prefix = inv.line == 0 ? std::string("parse error : ")
                                       : "parse error at line " + std::to_string(inv.line) + ", col " +
                                             std::to_string(inv.col) + ": ";
    CHECK_MESSAGE(e.error().rfind(prefix, 0) == 0, e.error());
    CHECK_MESSAGE(e.error().find(inv.error) != std::string::npos, e.error());
  }
}

TEST_CASE("parser: AST shape") {
  SUBCASE("line filter or-alternatives and negated splitting") {
    auto e = logql::parse(R"({a="b"} |= "x" or "y" != "u" or "v")");
    REQUIRE(e.ok());
    CHECK(dump(e.value()) == "SEL(M(a,0,b)|LF(0[x;y;]) LF(1[u;]) LF(1[v;]) )");
  }
  SUBCASE("range directly after selector equals range after the pipeline") {
    auto a = logql::parse(R"(count_over_time({a="b"}[5m] |= "x" | json))");
    auto b = logql::parse(R"(count_over_time({a="b"} |= "x" | json [5m]))");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(dump(a.value()) == dump(b.value()));
  }
  SUBCASE("literal folding and precedence") {
    auto e = logql::parse("2 * 3 + 4 ^ 0.5 - 10 % 4");
    REQUIRE(e.ok());
    CHECK(dump(e.value()) == logql::testing::dump(logql::ast::Expr{{}, logql::ast::Literal{6.0}}));
  }
  SUBCASE("duration, bytes and numeric label filters") {
    auto e = logql::parse(R"({a="b"} | x > 250ms | y <= 1.5MiB | z != 3)");
    REQUIRE(e.ok());
    CHECK(dump(e.value()) == "SEL(M(a,0,b)|LBL(D(x2250000000)) LBL(B(y51572864)) LBL(N(z10x1.8p+1)) )");
  }
  SUBCASE("positions") {
    auto e = logql::parse("\n  sum(rate({a=\"b\"}[1m]))");
    REQUIRE(e.ok());
    CHECK(e->pos.line == 2);
    CHECK(e->pos.col == 3);
  }
}

TEST_CASE("parse_matchers") {
  auto ms = logql::parse_matchers(R"({app="foo", env=~"prod|dev"})");
  REQUIRE(ms.ok());
  REQUIRE(ms->size() == 2);
  CHECK((*ms)[1].name == "env");
  CHECK((*ms)[1].op == logql::ast::MatchOp::Re);
  CHECK((*ms)[1].value == "prod|dev");
  CHECK_FALSE(logql::parse_matchers(R"({app="foo"} |= "x")").ok());
  CHECK_FALSE(logql::parse_matchers(R"({app=~".*"})").ok());
}

TEST_CASE("parser: nesting and chains deeper than the parser, printer and evaluator may recurse are refused") {
  // Found by fuzzing: thousands of parentheses overflowed the stack.
  std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  auto e = logql::parse(deep);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().rfind("parse error : query is nested too deeply (more than 1000 levels", 0) == 0);
  std::string chain = "1";
  for (int i = 0; i < 3000; ++i) chain += " + 1";
  CHECK_FALSE(logql::parse(chain).ok());
  std::string filters = "{app=\"x\"} | logfmt | a=\"1\"";
  for (int i = 0; i < 3000; ++i) filters += ", a=\"1\"";
  CHECK_FALSE(logql::parse(filters).ok());
  // Long generated lists within the bound are fine (Loki has no bound at all).
  std::string many = "{app=\"x\"} | logfmt | a=\"0\"";
  for (int i = 1; i < 600; ++i) many += " or a=\"" + std::to_string(i) + "\"";
  CHECK(logql::parse(many).ok());
  // Ordinary depth is fine.
  std::string fine = std::string(100, '(') + "1" + std::string(100, ')');
  for (int i = 0; i < 100; ++i) fine += " + 1";
  auto ok = logql::parse(fine);
  REQUIRE_MESSAGE(ok.ok(), ok.error());
  CHECK(logql::print(*ok) == "101");  // literals fold, as in Loki
}
