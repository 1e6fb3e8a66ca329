// timestamp stage: Promtail's named formats, Go layouts, locations, fallbacks and failure actions.
#include "stages_test_util.h"

#include "model/time.h"

using stages_test::Harness;

namespace {

int64_t parse_with(const std::string& format, const std::string& value, const std::string& extra = "") {
  Harness h("- regex: {expression: '^(?P<ts>.*)$'}\n- timestamp: {source: ts, format: '" + format + "'" + extra + "}");
  return h.one(value).timestamp;
}

int64_t rfc(const char* s) { return model::parse_rfc3339(s).value(); }

}  // namespace

TEST_CASE("timestamp stage: named formats") {
  CHECK(parse_with("RFC3339", "2019-07-09T21:48:36Z") == rfc("2019-07-09T21:48:36Z"));
  CHECK(parse_with("RFC3339", "2019-07-09T23:48:36+02:00") == rfc("2019-07-09T21:48:36Z"));
  CHECK(parse_with("RFC3339Nano", "2019-04-30T02:12:41.8443515Z") == rfc("2019-04-30T02:12:41.8443515Z"));
  CHECK(parse_with("Unix", "1562708916") == rfc("2019-07-09T21:48:36Z"));
  CHECK(parse_with("Unix", "1562708916.414123") == rfc("2019-07-09T21:48:36.414123Z"));
  CHECK(parse_with("UnixMs", "1562708916414") == rfc("2019-07-09T21:48:36.414Z"));
  CHECK(parse_with("UnixUs", "1562708916414123") == rfc("2019-07-09T21:48:36.414123Z"));
  CHECK(parse_with("UnixNs", "1562708916000000123") == rfc("2019-07-09T21:48:36.000000123Z"));
  CHECK(parse_with("RFC1123", "Tue, 09 Jul 2019 21:48:36 UTC") == rfc("2019-07-09T21:48:36Z"));
  CHECK(parse_with("RFC1123Z", "Tue, 09 Jul 2019 23:48:36 +0200") == rfc("2019-07-09T21:48:36Z"));
}

TEST_CASE("timestamp stage: Go reference layouts and location") {
  CHECK(parse_with("2006-01-02 15:04:05.000", "2019-07-09 21:48:36.414") == rfc("2019-07-09T21:48:36.414Z"));
  // New York is UTC-4 in July: the documented location example.
  CHECK(parse_with("2006-01-02 15:04:05.000", "2019-07-09 17:48:36.414", ", location: America/New_York") ==
        rfc("2019-07-09T21:48:36.414Z"));
  CHECK(parse_with("02/Jan/2006:15:04:05 -0700", "25/Jan/2000:14:00:01 -0500") == rfc("2000-01-25T19:00:01Z"));
}

TEST_CASE("timestamp stage: a layout without a year takes the current one") {
  // The harness clock is 2023-11-14.
  CHECK(parse_with("Jan _2 15:04:05", "Nov  3 10:20:30") == rfc("2023-11-03T10:20:30Z"));
}

TEST_CASE("timestamp stage: fallback_formats") {
  std::string extra = ", fallback_formats: [UnixMs, '2006-01-02']";
  CHECK(parse_with("RFC3339", "1562708916414", extra) == rfc("2019-07-09T21:48:36.414Z"));
  CHECK(parse_with("RFC3339", "2019-07-09", extra) == rfc("2019-07-09T00:00:00Z"));
}

TEST_CASE("timestamp stage: action_on_failure fudge and skip") {
  Harness fudge("- regex: {expression: '^(?P<ts>\\S+)'}\n- timestamp: {source: ts, format: RFC3339}");
  model::LabelSet stream{{"job", "a"}};
  CHECK(fudge.one("2019-07-09T21:48:36Z ok", stream).timestamp == rfc("2019-07-09T21:48:36Z"));
  CHECK(fudge.one("garbage line", stream, 5).timestamp == rfc("2019-07-09T21:48:36Z") + 1);
  CHECK(fudge.one("garbage again", stream, 5).timestamp == rfc("2019-07-09T21:48:36Z") + 2);
  CHECK(fudge.one("garbage other stream", {{"job", "b"}}, 5).timestamp == 5);

  Harness skip(
      "- regex: {expression: '^(?P<ts>\\S+)'}\n- timestamp: {source: ts, format: RFC3339, action_on_failure: skip}");
  CHECK(skip.one("2019-07-09T21:48:36Z ok", stream).timestamp == rfc("2019-07-09T21:48:36Z"));
  CHECK(skip.one("garbage", stream, 5).timestamp == 5);
}

TEST_CASE("timestamp stage: configuration errors") {
  CHECK(stages_test::compile_error("- timestamp: {format: RFC3339}").find("\"source\"") != std::string::npos);
  CHECK(stages_test::compile_error("- timestamp: {source: t, format: RFC3339, location: Mars/Base}")
            .find("Mars/Base") != std::string::npos);
  CHECK(stages_test::compile_error("- timestamp: {source: t, format: RFC3339, action_on_failure: retry}")
            .find("retry") != std::string::npos);
}
