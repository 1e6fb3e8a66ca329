// multiline, cri (partial lines) and docker.
#include "stages_test_util.h"

#include "model/time.h"

using stages_test::Harness;
using stages_test::str;

TEST_CASE("multiline stage: documented flask traceback becomes one entry") {
  Harness h(R"y(
- multiline:
    firstline: '^\[\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}\]'
    max_wait_time: 3s
- regex:
    expression: '^(?P<time>\[\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}\]) (?P<message>(?s:.*))$'
)y");
  std::vector<stages::Entry> out;
  auto sink = [&](stages::Entry& e) { out.push_back(e); };
  const char* lines[] = {
      "[2020-12-03 11:36:20] \"GET /hello HTTP/1.1\" 200 -",
      "[2020-12-03 11:36:23] ERROR in app: Exception on /error [GET]",
      "Traceback (most recent call last):",
      "    raise Exception(\"Sorry, this route always breaks\")",
      "Exception: Sorry, this route always breaks",
      "[2020-12-03 11:36:23] \"GET /error HTTP/1.1\" 500 -",
  };
  int64_t ts = 1;
  for (const char* l : lines) {
    stages::Entry e;
    e.line = l;
    e.labels = {{"job", "flask"}};
    e.timestamp = ts++;
    h.pipeline.process(e, sink);
  }
  REQUIRE(out.size() == 2);
  CHECK(out[0].line == lines[0]);
  CHECK(out[1].line == std::string(lines[1]) + "\n" + lines[2] + "\n" + lines[3] + "\n" + lines[4]);
  CHECK(out[1].timestamp == 2);
  CHECK(str(out[1], "message").find("Traceback") != std::string::npos);
  // The last block waits for max_wait_time, then goes out.
  h.pipeline.flush(h.now() + 2 * model::kNanosPerSecond, sink);
  CHECK(out.size() == 2);
  h.pipeline.flush(h.now() + 3 * model::kNanosPerSecond, sink);
  REQUIRE(out.size() == 3);
  CHECK(out[2].line == lines[5]);
}

TEST_CASE("multiline stage: max_lines, separate streams, drain") {
  Harness h("- multiline: {firstline: '^START', max_lines: 2}");
  std::vector<stages::Entry> out;
  auto sink = [&](stages::Entry& e) { out.push_back(e); };
  auto feed = [&](const char* line, const char* stream) {
    stages::Entry e;
    e.line = line;
    e.labels = {{"s", stream}};
    h.pipeline.process(e, sink);
  };
  feed("START a", "1");
  feed("START b", "2");
  feed("a2", "1");  // reaches max_lines: sent at once
  REQUIRE(out.size() == 1);
  CHECK(out[0].line == "START a\na2");
  feed("a3", "1");
  h.pipeline.drain(sink);
  REQUIRE(out.size() == 3);
}

TEST_CASE("cri stage: documented line, partial lines joined per stream") {
  Harness h("- cri: {}");
  auto e = h.one("2019-01-01T01:00:00.000000001Z stderr F i'm a log message", {{"job", "k8s"}});
  CHECK(e.line == "i'm a log message");
  CHECK(e.labels.to_string() == R"({job="k8s", stream="stderr"})");
  CHECK(e.timestamp == model::parse_rfc3339("2019-01-01T01:00:00.000000001Z").value());

  CHECK(h.run("2019-01-01T01:00:01Z stdout P part one, ").empty());
  CHECK(h.run("2019-01-01T01:00:02Z stdout P part two, ").empty());
  auto full = h.one("2019-01-01T01:00:03Z stdout F the end");
  CHECK(full.line == "part one, part two, the end");
  CHECK(full.timestamp == model::parse_rfc3339("2019-01-01T01:00:03Z").value());
}

TEST_CASE("cri stage: max_partial_lines flushes held lines; truncation") {
  Harness h("- cri: {max_partial_lines: 2, max_partial_line_size: 8, max_partial_line_size_truncate: true}");
  CHECK(h.run("2019-01-01T01:00:01Z stdout P aaaa", {{"f", "1"}}).empty());
  CHECK(h.run("2019-01-01T01:00:01Z stdout P bbbbbbbbbbbb", {{"f", "2"}}).empty());
  auto flushed = h.run("2019-01-01T01:00:01Z stdout P cccc", {{"f", "3"}});
  REQUIRE(flushed.size() == 2);
  CHECK((flushed[0].line == "aaaa" || flushed[1].line == "aaaa"));
  CHECK((flushed[0].line == "bbbbbbbb" || flushed[1].line == "bbbbbbbb"));
  CHECK(h.one("2019-01-01T01:00:02Z stdout F dddddddd", {{"f", "3"}}).line == "ccccdddd");
}

TEST_CASE("docker stage: documented example") {
  Harness h("- docker: {}");
  auto e = h.one(R"({"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"})", {{"job", "d"}});
  CHECK(e.line == "log message\n");
  CHECK(e.labels.to_string() == R"({job="d", stream="stderr"})");
  CHECK(e.timestamp == model::parse_rfc3339("2019-04-30T02:12:41.8443515Z").value());
}
