// regex, json, logfmt and replace stages, with the examples of Promtail's stage documentation.
#include "stages_test_util.h"

using stages_test::Harness;
using stages_test::str;

TEST_CASE("regex stage: documented CRI-style example") {
  Harness h(R"y(
- regex:
    expression: "^(?s)(?P<time>\\S+?) (?P<stream>stdout|stderr) (?P<flags>\\S+?) (?P<content>.*)$"
)y");
  auto e = h.one("2019-01-01T01:00:00.000000001Z stderr P i'm a log message!");
  CHECK(str(e, "time") == "2019-01-01T01:00:00.000000001Z");
  CHECK(str(e, "stream") == "stderr");
  CHECK(str(e, "flags") == "P");
  CHECK(str(e, "content") == "i'm a log message!");
}

TEST_CASE("regex stage: source reads an extracted value; no match leaves the map alone") {
  Harness h(R"y(
- regex:
    expression: "^(?P<time>\\S+) "
- regex:
    expression: "^(?P<year>\\d+)"
    source: time
)y");
  auto e = h.one("2019-01-01T01:00:00.000000001Z stderr P msg");
  CHECK(str(e, "year") == "2019");
  auto miss = h.one("nospace");
  CHECK(str(miss, "time") == "<missing>");
  CHECK(str(miss, "year") == "<missing>");
}

TEST_CASE("regex stage: labels seed the extracted map and can be a source") {
  Harness h(R"y(
- regex:
    expression: "/var/log/(?P<service>[a-z]+)\\.log"
    source: filename
)y");
  auto e = h.one("x", {{"filename", "/var/log/nginx.log"}});
  CHECK(str(e, "service") == "nginx");
}

TEST_CASE("json stage: documented examples") {
  Harness h(R"y(
- json:
    expressions:
      output: log
      stream: stream
      timestamp: time
)y");
  auto e = h.one(R"({"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"})");
  CHECK(str(e, "output") == "log message\n");
  CHECK(str(e, "stream") == "stderr");
  CHECK(str(e, "timestamp") == "2019-04-30T02:12:41.8443515Z");

  Harness nested(R"y(
- json:
    expressions:
      extra:
- json:
    expressions:
      user:
    source: extra
)y");
  auto n = nested.one(R"({"time":"2019-04-30T02:12:41.8443515Z","extra":"{\"user\":\"marco\"}"})");
  CHECK(str(n, "extra") == R"({"user":"marco"})");
  CHECK(str(n, "user") == "marco");
}

TEST_CASE("json stage: value types as Promtail keeps them") {
  Harness h(R"y(
- json:
    expressions:
      n: n
      f: f
      b: b
      z: z
      obj: obj
      arr: arr
      missing: nothing.here
      first: arr[0]
)y");
  auto e = h.one(R"({"n": 200, "f": 1.5, "b": true, "z": null, "obj": {"b": 1, "a": "x"}, "arr": [1, "two"]})");
  CHECK(str(e, "n") == "200");
  CHECK(str(e, "f") == "1.5");
  CHECK(e.extracted.find("b")->is_boolean());
  CHECK(e.extracted.find("z")->is_null());
  CHECK(str(e, "obj") == R"({"a":"x","b":1})");
  CHECK(str(e, "arr") == R"([1,"two"])");
  CHECK(e.extracted.find("missing")->is_null());
  CHECK(str(e, "first") == "1");
}

TEST_CASE("json stage: malformed lines pass, or are dropped with drop_malformed") {
  Harness keep("- json: {expressions: {a: a}}");
  CHECK(keep.run("not json").size() == 1);
  CHECK(keep.run("[1, 2]").size() == 1);
  Harness drop("- json: {expressions: {a: a}, drop_malformed: true}");
  CHECK(drop.run("not json").empty());
  CHECK(drop.run(R"({"a": 1})").size() == 1);
}

TEST_CASE("logfmt stage: documented example") {
  Harness h(R"y(
- logfmt:
    mapping:
      timestamp: time
      app:
      duration:
      unknown:
      extra:
- logfmt:
    mapping:
      user:
    source: extra
)y");
  auto e = h.one(
      R"(time=2012-11-01T22:08:41+00:00 app=loki level=WARN duration=125 message="this is a log line" extra="user=foo")");
  CHECK(str(e, "timestamp") == "2012-11-01T22:08:41+00:00");
  CHECK(str(e, "app") == "loki");
  CHECK(str(e, "duration") == "125");
  CHECK(str(e, "unknown") == "<missing>");
  CHECK(str(e, "level") == "<missing>");
  CHECK(str(e, "user") == "foo");
}

TEST_CASE("replace stage: documented password masking") {
  Harness h(R"y(
- replace:
    expression: "password (\\S+)"
    replace: "****"
)y");
  auto e = h.one("2019-01-01T01:00:00.000000001Z stderr P i'm a log message who has sensitive information with password xyz!");
  CHECK(e.line == "2019-01-01T01:00:00.000000001Z stderr P i'm a log message who has sensitive information with password ****");
}

TEST_CASE("replace stage: every match, named groups extracted, source value rewritten") {
  Harness h(R"y(
- replace:
    expression: "(?P<ip>\\d{2}.\\d{2}.\\d{2}.\\d{2}) - (\\S+)"
    replace: "X"
)y");
  auto e = h.one("11.11.11.11 - frank 12.12.12.12 - frank");
  CHECK(e.line == "X - X X - X");
  CHECK(str(e, "ip") == "X");

  Harness src(R"y(
- regex:
    expression: "user=(?P<user>\\S+)"
- replace:
    expression: "(\\w+)"
    source: user
    replace: "redacted"
)y");
  auto s = src.one("id=1 user=frank");
  CHECK(str(s, "user") == "redacted");
  CHECK(s.line == "id=1 user=frank");
  CHECK(src.one("no match here").line == "no match here");
}

TEST_CASE("replace stage: empty replace removes the captured text") {
  Harness h(R"y(
- replace:
    expression: "(secret=\\S+ ?)"
    replace: ""
)y");
  CHECK(h.one("a=1 secret=xyz b=2").line == "a=1 b=2");
}
