#include <doctest/doctest.h>

#include "test_util.h"

namespace {
logql::ast::Stage ast_unpack() { return logql::ast::UnpackParser{}; }
}  // namespace

using namespace logql::log::testing;

namespace {

// The JSON example of Loki's log query docs.
const char* kDocJson =
    R"({"protocol": "HTTP/2.0", "servers": ["129.0.1.1","10.2.1.3"], "request": {"time": "6.032", "method": "GET",)"
    R"( "host": "foo.grafana.net", "size": "55", "headers": {"Accept": "*/*", "User-Agent": "curl/7.68.0"}},)"
    R"( "response": {"status": 401, "size": "228", "latency_seconds": "6.031"}})";

}  // namespace

TEST_CASE("json flattens nested objects with _ and skips arrays (Loki docs example)") {
  auto o = run(stages(json()), R"({job="x"})", kDocJson);
  REQUIRE(o.kept);
  CHECK(o.labels ==
        R"({job="x", protocol="HTTP/2.0", request_headers_Accept="*/*", request_headers_User_Agent="curl/7.68.0", )"
        R"(request_host="foo.grafana.net", request_method="GET", request_size="55", request_time="6.032", )"
        R"(response_latency_seconds="6.031", response_size="228", response_status="401"})");
  CHECK(o.line == kDocJson);
}

TEST_CASE("json parameters select paths (Loki docs examples)") {
  auto o = run(stages(json({{"first_server", "servers[0]"}, {"ua", R"(request.headers["User-Agent"])"}})), "{}", kDocJson);
  CHECK(o.labels == R"({first_server="129.0.1.1", ua="curl/7.68.0"})");
  o = run(stages(json({{"server_list", "servers"}, {"headers", "request.headers"}})), "{}", kDocJson);
  CHECK(o.labels == R"({headers="{\"Accept\": \"*/*\", \"User-Agent\": \"curl/7.68.0\"}", server_list="[\"129.0.1.1\",\"10.2.1.3\"]"})");
  o = run(stages(json({{"status", "response.status"}, {"missing", "nope.nope"}})), "{}", kDocJson);
  CHECK(o.labels == R"({status="401"})");
  CHECK(compile_error(stages(json({{"a", "b..c"}}))).find("cannot parse expression [b..c]") == 0);
}

TEST_CASE("json values: numbers as written, booleans, escapes, nulls skipped, sanitized keys") {
  auto o = run(stages(json()), "{}", R"({"n": 1.50, "b": true, "z": null, "s": "a\"b\u00e9", "1st": "x", "a.b-c": "y"})");
  CHECK(o.labels == R"({_1st="x", a_b_c="y", b="true", n="1.50", s="a\"bé"})");
}

TEST_CASE("json: stream label clashes get _extracted, first value wins") {
  auto o = run(stages(json()), R"({level="info"})", R"({"level":"error","a":"1","a":"2"})");
  CHECK(o.labels == R"({a="1", level="info", level_extracted="error"})");
  // A later parser does not overwrite what an earlier one extracted.
  o = run(stages(json(), logfmt()), "{}", R"({"a":"1"})");
  CHECK(o.labels.find(R"(a="1")") != std::string::npos);
}

TEST_CASE("json errors keep the entry and report JSONParserErr with jsonparser's details") {
  auto o = run(stages(json()), R"({app="a"})", "hello world");
  REQUIRE(o.kept);
  CHECK(o.labels ==
        R"({__error__="JSONParserErr", __error_details__="Value looks like object, but can't find closing '}' symbol", app="a"})");
  o = run(stages(json()), "{}", R"({"a":"b", "c": tru})");
  CHECK(o.labels.find(R"(__error__="JSONParserErr")") != std::string::npos);
  CHECK(o.labels.find(R"(a="b")") != std::string::npos);  // fields before the error are kept
}

TEST_CASE("logfmt (Loki docs example)") {
  auto o = run(stages(logfmt()), R"({job="x"})",
               R"(at=info method=GET path=/ host=grafana.net fwd="124.133.124.161" service=8ms status=200)");
  CHECK(o.labels ==
        R"({at="info", fwd="124.133.124.161", host="grafana.net", job="x", method="GET", path="/", service="8ms", status="200"})");
}

TEST_CASE("logfmt: empty values, --keep-empty, escapes, clashes, first wins") {
  CHECK(run(stages(logfmt()), "{}", "a= b c=1").labels == R"({c="1"})");
  // --keep-empty keeps `a=` and standalone `b` (empty values still print no label in a set).
  CHECK(run(stages(logfmt(false, true)), "{}", "a= b c=1").labels == R"({c="1"})");
  CHECK(run(stages(logfmt()), "{}", R"(msg="say \"hi\"\n")").labels == R"({msg="say \"hi\"\n"})");
  CHECK(run(stages(logfmt()), R"({c="s"})", "c=1 c=2 d=3").labels == R"({c="s", c_extracted="1", d="3"})");
}

TEST_CASE("logfmt: malformed pairs are skipped unless --strict") {
  CHECK(run(stages(logfmt()), "{}", R"(a=1 b"=2 c=3)").labels == R"({a="1", c="3"})");
  auto o = run(stages(logfmt(true)), "{}", R"(a=1 b"=2 c=3)");
  CHECK(o.labels == R"({__error__="LogfmtParserErr", __error_details__="logfmt syntax error at pos 6 : unexpected '\"'", a="1"})");
  o = run(stages(logfmt(true)), "{}", R"(foo="bar)");
  CHECK(o.labels == R"({__error__="LogfmtParserErr", __error_details__="logfmt syntax error at pos 9 : unterminated quoted value"})");
}

TEST_CASE("logfmt parameters rename keys") {
  auto o = run(stages(logfmt(false, false, {{"m", "method"}, {"status", "status"}})), R"({status="x"})",
               "method=GET status=200 other=1");
  CHECK(o.labels == R"({m="GET", status="x", status_extracted="200"})");
}

TEST_CASE("regexp parser (Loki docs example) and its compile errors") {
  auto o = run(stages(regexp(R"((?P<method>\w+) (?P<path>[\w|/]+) \((?P<status>\d+?)\) (?P<duration>.*))")), "{}",
               "POST /api/prom/api/v1/query_range (200) 1.5s");
  CHECK(o.labels == R"({duration="1.5s", method="POST", path="/api/prom/api/v1/query_range", status="200"})");
  CHECK(run(stages(regexp("(?P<x>z+)")), "{}", "abc").labels == "{}");  // no match: kept, no labels
  CHECK(compile_error(stages(regexp("(a)"))) == "at least one named capture must be supplied");
  CHECK(compile_error(stages(regexp("(?P<1a>a)"))) == "invalid extracted label name '1a'");
}

TEST_CASE("pattern parser (Loki docs example)") {
  auto o = run(stages(pattern(R"(<ip> - - <_> "<method> <uri> <_>" <status> <size> <_> "<agent>" <_>)")), "{}",
               R"(0.191.12.2 - - [10/Jun/2021:09:14:29 +0000] "GET /api/plugins/versioncheck HTTP/1.1" 200 2 "-" )"
               R"("Go-http-client/2.0" "13.76.247.102, 34.120.177.193" "TLSv1.2" "US" "")");
  CHECK(o.labels ==
        R"({agent="Go-http-client/2.0", ip="0.191.12.2", method="GET", size="2", status="200", uri="/api/plugins/versioncheck"})");
  CHECK(compile_error(stages(pattern("<_> x"))) == "at least one capture is required");
}

TEST_CASE("unpack replaces the line with _entry and adds the other fields (Loki docs example)") {
  auto o = run(stages(logfmt(), ast_unpack()), R"({app="a"})",
               R"({"container":"myapp","pod":"pod-3223f","_entry":"original log message"})");
  REQUIRE(o.kept);
  CHECK(o.line == "original log message");
  CHECK(o.labels == R"({app="a", container="myapp", pod="pod-3223f"})");
  o = run(stages(ast_unpack()), "{}", "not json");
  CHECK(o.labels == R"({__error__="JSONParserErr", __error_details__="expecting json object(6), but it is not"})");
  // Without _entry nothing is unpacked.
  o = run(stages(ast_unpack()), "{}", R"({"a":"b"})");
  CHECK(o.labels == "{}");
}

TEST_CASE("structured metadata joins the labels; a clash with a stream label gets _extracted") {
  model::LabelSet md{{"trace_id", "abc"}, {"app", "md"}};
  auto o = run(stages(json()), R"({app="a"})", R"({"x":"1"})", md);
  CHECK(o.labels == R"({app="a", app_extracted="md", trace_id="abc", x="1"})");
  // Parsed labels colliding with metadata are suffixed too.
  o = run(stages(json()), R"({app="a"})", R"({"trace_id":"zz"})", model::LabelSet{{"trace_id", "abc"}});
  CHECK(o.labels == R"({app="a", trace_id="abc", trace_id_extracted="zz"})");
}

TEST_CASE("json: objects nested deeper than 1000 levels are an error, not a crash") {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += R"({"a":)";
  deep += "1";
  deep += std::string(100000, '}');
  auto o = run(stages(json()), R"({app="a"})", deep);
  REQUIRE(o.kept);
  CHECK(o.labels.find(R"x(__error_details__="Value is nested too deeply (more than 1000 objects)")x") != std::string::npos);
  std::string fine;
  for (int i = 0; i < 50; ++i) fine += R"({"a":)";
  fine += "1";
  fine += std::string(50, '}');
  o = run(stages(json()), "{}", fine);
  CHECK(o.labels.find("__error__") == std::string::npos);
  CHECK(o.labels.find(R"x(="1")x") != std::string::npos);
}
