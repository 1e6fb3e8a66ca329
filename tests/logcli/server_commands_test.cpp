#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "logcli/response_json.h"
#include "logcli/server_commands.h"

using namespace logcli;

namespace {

// A server holding one stream; query_range answers as Loki does ([start, end), direction, limit).
class FakeBackend : public QueryBackend {
 public:
  std::vector<model::Entry> entries;  // ascending time
  std::vector<RangeRequest> requests;

  util::Result<QueryResponse> query_range(const RangeRequest& r) override {
    requests.push_back(r);
    std::vector<model::Entry> sel;
    for (const auto& e : entries)
      if (e.timestamp >= r.start && e.timestamp < r.end) sel.push_back(e);
    if (!r.forward) std::reverse(sel.begin(), sel.end());
    if (sel.size() > r.limit) sel.resize(r.limit);
    QueryResponse out;
    logql::Stream s;
    s.labels = model::LabelSet::from_unsorted({{"app", "x"}});
    s.entries = sel;
    if (!sel.empty()) out.result.streams.push_back(s);
    return out;
  }
  util::Result<QueryResponse> instant_query(const std::string&, uint32_t, int64_t, bool) override {
    return util::Error{"unused"};
  }
  util::Result<std::vector<std::string>> label_names(int64_t, int64_t) override {
    return std::vector<std::string>{"app", "env"};
  }
  util::Result<std::vector<std::string>> label_values(const std::string&, int64_t, int64_t) override {
    return util::Error{"Error response from server: no org id (401)"};
  }
  util::Result<std::vector<model::LabelSet>> series(const std::vector<std::string>&, int64_t, int64_t) override {
    return std::vector<model::LabelSet>{model::LabelSet::from_unsorted({{"b", "2"}, {"a", "1"}})};
  }
  util::Result<IndexStatsResponse> index_stats(const std::string&, int64_t, int64_t) override {
    return IndexStatsResponse{2, 3, 40, 1234};
  }
  std::vector<VolumeQuery> volume_requests;
  util::Result<std::vector<query::VolumeSeries>> volume(const VolumeQuery& q) override {
    volume_requests.push_back(q);
    query::VolumeSeries s;
    s.metric = {{"app", ""}};
    s.points = {{1700000000LL * 1000000000LL, 2048}};
    if (q.step != 0) s.points.push_back({1700000060LL * 1000000000LL, 10});
    return std::vector<query::VolumeSeries>{s};
  }
  std::vector<DetectedFieldsQuery> detected_requests;
  util::Result<std::vector<query::DetectedField>> detected_fields(const DetectedFieldsQuery& q) override {
    detected_requests.push_back(q);
    return std::vector<query::DetectedField>{{"status", query::FieldType::kInt, 3, {"logfmt"}},
                                             {"level", query::FieldType::kString, 2, {"logfmt"}}};
  }
  util::Result<std::vector<std::string>> detected_field_values(const DetectedFieldsQuery& q,
                                                               const std::string& name) override {
    detected_requests.push_back(q);
    if (name != "status") return std::vector<std::string>{};
    return std::vector<std::string>{"200", "500"};
  }
  std::vector<PatternsQuery> patterns_requests;
  util::Result<std::vector<pattern::PatternSeries>> patterns(const PatternsQuery& q) override {
    patterns_requests.push_back(q);
    return std::vector<pattern::PatternSeries>{{"GET <_> 200", "info", {{60'000, 30}, {120'000, 12}}},
                                               {"cache miss <_>", "", {{60'000, 31}}}};
  }
};

struct Captured {
  int rc;
  std::string out, err;
};

template <class F>
Captured capture(F f) {
  char *ob = nullptr, *eb = nullptr;
  size_t ol = 0, el = 0;
  std::FILE* out = open_memstream(&ob, &ol);
  std::FILE* err = open_memstream(&eb, &el);
  int rc = f(out, err);
  std::fclose(out);
  std::fclose(err);
  Captured c{rc, std::string(ob, ol), std::string(eb, el)};
  std::free(ob);
  std::free(eb);
  return c;
}

QueryOptions raw_query(uint32_t limit, bool forward) {
  QueryOptions q;
  q.query = "{app=\"x\"}";
  q.limit = limit;
  q.forward = forward;
  q.from = "1000";  // unix seconds
  q.to = "2000";
  q.output.mode = OutputMode::Raw;
  return q;
}

// Entries at 1000s + i; three share the timestamp of index 3.
FakeBackend backend_with_ties() {
  FakeBackend b;
  int64_t base = 1000LL * 1'000'000'000;
  const int64_t ts[] = {base + 1, base + 2, base + 3, base + 4, base + 4, base + 4, base + 5, base + 6};
  for (int i = 0; i < 8; ++i) b.entries.push_back({ts[i], "line" + std::to_string(i), {}});
  return b;
}

}  // namespace

TEST_CASE("logcli batch: backward pages across same-timestamp entries print each entry once") {
  FakeBackend b = backend_with_ties();
  ServerQueryOptions s;
  s.batch = 4;
  auto c = capture([&](std::FILE* o, std::FILE* e) { return run_server_query(b, raw_query(100, false), s, o, e); });
  CHECK(c.rc == 0);
  CHECK(c.out == "line7\nline6\nline5\nline4\nline3\nline2\nline1\nline0\n");
  REQUIRE(b.requests.size() >= 3);
  CHECK(b.requests[0].limit == 4);
  // Page 1 ends inside the tie at base+4: the next page ends just after it.
  CHECK(b.requests[1].end == 1000LL * 1'000'000'000 + 5);
}

TEST_CASE("logcli batch: forward paging with a limit stops at exactly the limit") {
  FakeBackend b = backend_with_ties();
  ServerQueryOptions s;
  s.batch = 4;
  auto c = capture([&](std::FILE* o, std::FILE* e) { return run_server_query(b, raw_query(6, true), s, o, e); });
  CHECK(c.rc == 0);
  CHECK(c.out == "line0\nline1\nline2\nline3\nline4\nline5\n");
  // Second request: 2 still wanted + the 1 repeated entry of page 1's last timestamp.
  REQUIRE(b.requests.size() == 2);
  CHECK(b.requests[1].limit == 3);
  CHECK(b.requests[1].start == 1000LL * 1'000'000'000 + 4);
}

TEST_CASE("logcli batch: a batch smaller than a tie is an error naming the fix") {
  FakeBackend b = backend_with_ties();
  ServerQueryOptions s;
  s.batch = 2;
  auto c = capture([&](std::FILE* o, std::FILE* e) { return run_server_query(b, raw_query(100, true), s, o, e); });
  CHECK(c.rc == 1);
  CHECK(c.err.find("--batch=3") != std::string::npos);
}

TEST_CASE("logcli commands: labels, series and stats print as Loki's logcli") {
  FakeBackend b;
  ListOptions o;
  auto labels = capture([&](std::FILE* out, std::FILE* err) { return run_labels(b, std::nullopt, o, out, err); });
  CHECK(labels.rc == 0);
  CHECK(labels.out == "app\nenv\n");
  auto values = capture([&](std::FILE* out, std::FILE* err) { return run_labels(b, "app", o, out, err); });
  CHECK(values.rc == 1);
  CHECK(values.err == "Error doing request: Error response from server: no org id (401)\n");
  auto series = capture([&](std::FILE* out, std::FILE* err) { return run_series(b, {"{a=\"1\"}"}, o, out, err); });
  CHECK(series.out == "{a=\"1\", b=\"2\"}\n");
  auto stats = capture([&](std::FILE* out, std::FILE* err) { return run_index_stats(b, "{a=\"1\"}", o, out, err); });
  CHECK(stats.out == "{\n  bytes: 1.2kB\n  chunks: 3\n  streams: 2\n  entries: 40\n}\n");
  CHECK(format_index_stats({1, 1, 1, 5}, true).find("\x1b[34mbytes\x1b[0m: 5B") != std::string::npos);
}

TEST_CASE("logcli commands: time range rules") {
  auto r = resolve_range(std::nullopt, std::nullopt, std::nullopt, 10'000'000'000'000);
  REQUIRE(r.ok());
  CHECK(r->end == 10'000'000'000'000);
  CHECK(r->start == 10'000'000'000'000 - 3'600'000'000'000);
  auto s = resolve_range(std::string("5m"), std::nullopt, std::string("1000"), 0);
  REQUIRE(s.ok());
  CHECK(s->end == 1000'000'000'000);
  CHECK(s->start == 700'000'000'000);
  CHECK_FALSE(resolve_range(std::nullopt, std::string("2000"), std::string("1000"), 0).ok());
  CHECK_FALSE(resolve_range(std::string("bogus"), std::nullopt, std::nullopt, 0).ok());
}

TEST_CASE("logcli response: Loki's query answers decode into results") {
  auto streams = decode_query_response(
      R"({"status":"success","data":{"resultType":"streams","result":[{"stream":{"b":"2","a":"1"},"values":[["1700000000000000001","hello"],["5","x",{"trace":"t"}]]}],"stats":{"summary":{"execTime":0.5}}}})");
  REQUIRE(streams.ok());
  REQUIRE(streams->result.streams.size() == 1);
  CHECK(streams->result.streams[0].labels.to_string() == "{a=\"1\", b=\"2\"}");
  CHECK(streams->result.streams[0].entries[0].timestamp == 1700000000000000001);
  CHECK(streams->result.streams[0].entries[1].metadata.to_string() == "{trace=\"t\"}");
  CHECK(format_query_stats(streams->stats_json).find("Summary.ExecTime") != std::string::npos);
  auto matrix = decode_query_response(
      R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000.5,"2.5"]]}]}})");
  REQUIRE(matrix.ok());
  CHECK(matrix->result.matrix[0].points[0].t == 1700000000500000000);
  CHECK(matrix->result.matrix[0].points[0].v == 2.5);
  auto scalar = decode_query_response(R"({"status":"success","data":{"resultType":"scalar","result":[1,"3"]}})");
  REQUIRE(scalar.ok());
  CHECK(scalar->result.scalar.v == 3);
  // Malformed or hostile answers are errors, never crashes.
  for (const char* bad : {"", "null", "[]", "{\"data\":{}}", R"({"data":{"resultType":"streams","result":[{"values":[["x","l"]]}]}})",
                          R"({"data":{"resultType":"streams","result":[{"values":[[1]]}]}})",
                          R"({"data":{"resultType":"matrix","result":[{"values":[["a","b"]]}]}})",
                          R"({"data":{"resultType":"nope","result":[]}})",
                          R"({"status":"error","error":"boom"})"}) {
    CHECK_FALSE(decode_query_response(bad).ok());
  }
  auto list = decode_string_list(R"({"status":"success","data":["a","b"]})");
  REQUIRE(list.ok());
  CHECK(list->size() == 2);
  CHECK(decode_string_list(R"({"status":"success"})").ok() == false);
  auto series = decode_series(R"({"status":"success","data":[{"a":"1"}]})");
  REQUIRE(series.ok());
  CHECK((*series)[0].to_string() == "{a=\"1\"}");
  auto stats = decode_index_stats(R"({"streams":1,"chunks":2,"entries":3,"bytes":4})");
  REQUIRE(stats.ok());
  CHECK(stats->bytes == 4);
  CHECK_FALSE(decode_index_stats(R"({"streams":"x"})").ok());
  auto tail = decode_tail_message(
      R"({"streams":[{"stream":{"a":"1"},"values":[["7","l"]]}],"dropped_entries":[{"labels":{"a":"1"},"timestamp":"9"}]})");
  REQUIRE(tail.ok());
  CHECK(tail->streams[0].entries[0].line == "l");
  CHECK(tail->dropped[0].timestamp == 9);
}

TEST_CASE("logcli volume: the request carries the flags, the answer prints as Loki's logcli prints metrics") {
  FakeBackend b;
  VolumeOptions o;
  o.range.from = "1700000000";
  o.range.to = "1700003600";
  o.limit = 5;
  o.target_labels = {"app"};
  o.aggregate_by_labels = true;
  auto c = capture([&](std::FILE* out, std::FILE* err) { return run_volume(b, "{app=~\".+\"}", o, out, err); });
  CHECK(c.rc == 0);
  REQUIRE(b.volume_requests.size() == 1);
  const VolumeQuery& q = b.volume_requests[0];
  CHECK(q.start == 1700000000LL * 1000000000LL);
  CHECK(q.end == 1700003600LL * 1000000000LL);
  CHECK(q.step == 0);
  CHECK(q.limit == 5);
  CHECK(q.aggregate_by_labels);
  CHECK(volume_params(q) ==
        "aggregateBy=labels&end=1700003600000000000&limit=5&query=%7Bapp%3D~%22.%2B%22%7D&start=1700000000000000000&"
        "targetLabels=app");
  CHECK(c.out == "[\n  {\n    \"metric\": {\n      \"app\": \"\"\n    },\n    \"value\": [\n      1700000000,\n"
                 "      \"2048\"\n    ]\n  }\n]\n");

  o.range_query = true;
  o.step = 60LL * 1000000000LL;
  c = capture([&](std::FILE* out, std::FILE* err) { return run_volume(b, "{app=~\".+\"}", o, out, err); });
  CHECK(c.rc == 0);
  CHECK(b.volume_requests.back().step == 60LL * 1000000000LL);
  CHECK(volume_params(b.volume_requests.back()).find("step=60") != std::string::npos);
  CHECK(c.out.find("\"values\": [") != std::string::npos);
  CHECK(c.out.find("\"10\"") != std::string::npos);
}

TEST_CASE("logcli volume: decoding Loki's volume answers, empty label values kept") {
  auto v = decode_volume_response(
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":""},"value":[1700000000.5,"99"]}],"stats":{}}})");
  REQUIRE(v.ok());
  REQUIRE(v->size() == 1);
  CHECK((*v)[0].metric == std::vector<model::Label>{{"job", ""}});
  CHECK((*v)[0].points[0].bytes == 99);
  CHECK((*v)[0].points[0].timestamp == 1700000000500000000LL);
  auto m = decode_volume_response(
      R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"b":"2","a":"1"},"values":[[1,"1"],[2,"3"]]}]}})");
  REQUIRE(m.ok());
  CHECK((*m)[0].metric == std::vector<model::Label>{{"a", "1"}, {"b", "2"}});
  CHECK((*m)[0].points.size() == 2);
  CHECK_FALSE(decode_volume_response(R"({"status":"success","data":{"resultType":"streams","result":[]}})").ok());
  CHECK_FALSE(decode_volume_response(
                  R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1.5"]}]}})")
                  .ok());
}

TEST_CASE("logcli detected-fields: Loki's logcli lines, sorted; a field's values one per line") {
  FakeBackend b;
  DetectedFieldsOptions o;
  o.range.since = "2h";
  o.line_limit = 50;
  auto c = capture([&](std::FILE* out, std::FILE* err) {
    return run_detected_fields(b, "{app=\"api\"}", std::nullopt, o, out, err);
  });
  CHECK(c.rc == 0);
  CHECK(c.out == "label: level\t\ttype: string\t\tcardinality: 2\nlabel: status\t\ttype: int\t\tcardinality: 3\n");
  REQUIRE(b.detected_requests.size() == 1);
  CHECK(b.detected_requests[0].line_limit == 50);
  CHECK(b.detected_requests[0].end - b.detected_requests[0].start == 2 * 3600LL * 1000000000LL);
  CHECK(detected_fields_params(b.detected_requests[0]).find("line_limit=50") != std::string::npos);
  c = capture([&](std::FILE* out, std::FILE* err) {
    return run_detected_fields(b, "{app=\"api\"}", std::string("status"), o, out, err);
  });
  CHECK(c.out == "200\n500\n");
  CHECK(detected_field_values_path("a b") == "/loki/api/v1/detected_field/a%20b/values");
}

TEST_CASE("logcli detected-fields: decoding Loki's answers") {
  auto f = decode_detected_fields(
      R"({"fields":[{"label":"took","type":"duration","cardinality":4,"parsers":["logfmt"]},{"label":"trace_id","type":"string","cardinality":1,"parsers":null}],"limit":1000})");
  REQUIRE(f.ok());
  REQUIRE(f->size() == 2);
  CHECK((*f)[0].type == query::FieldType::kDuration);
  CHECK((*f)[0].cardinality == 4);
  CHECK((*f)[1].parsers.empty());
  CHECK_FALSE(decode_detected_fields(R"({"fields":[{"label":"x","type":"weird"}]})").ok());
  auto v = decode_detected_field_values(R"({"values":["a","b"],"limit":10})");
  REQUIRE(v.ok());
  CHECK(*v == std::vector<std::string>{"a", "b"});
}

TEST_CASE("logcli patterns: one line per pattern in the server's order, or JSON with the samples") {
  FakeBackend b;
  util::FakeClock clock(1'700'000'000LL * 1'000'000'000);
  PatternsOptions o;
  o.step = 60LL * 1'000'000'000;
  auto c = capture([&](std::FILE* out, std::FILE* err) {
    return run_patterns(b, R"({app="api"})", o, false, out, err, clock);
  });
  CHECK(c.rc == 0);
  CHECK(c.out == "42\tinfo\tGET <_> 200\n31\t-\tcache miss <_>\n");
  REQUIRE(b.patterns_requests.size() == 1);
  CHECK(b.patterns_requests[0].query == R"({app="api"})");
  CHECK(b.patterns_requests[0].end - b.patterns_requests[0].start == 3600LL * 1'000'000'000);
  CHECK(patterns_params(b.patterns_requests[0]).find("step=60") != std::string::npos);
  auto j = capture([&](std::FILE* out, std::FILE* err) {
    return run_patterns(b, R"({app="api"})", o, true, out, err, clock);
  });
  CHECK(j.rc == 0);
  CHECK(j.out.rfind(R"({"pattern":"GET \u003c_\u003e 200","level":"info","total":42,"samples":[[60,30],[120,12]]})", 0) == 0);
}

TEST_CASE("logcli patterns: decoding Loki's answer, with or without level") {
  auto p = decode_patterns(
      R"({"status":"success","data":[{"pattern":"\u003c_\u003e caller=x","samples":[[1711839260,1],[1711839270,2]]},)"
      R"({"pattern":"b <_>","level":"error","samples":[]}]})");
  REQUIRE(p.ok());
  REQUIRE(p->size() == 2);
  CHECK((*p)[0].pattern == "<_> caller=x");
  CHECK((*p)[0].level.empty());
  CHECK((*p)[0].samples == std::vector<pattern::Sample>{{1711839260000, 1}, {1711839270000, 2}});
  CHECK((*p)[1].level == "error");
  CHECK(decode_patterns(R"({"status":"success","data":null})")->empty());
  CHECK_FALSE(decode_patterns(R"({"status":"success","data":[{"samples":[]}]})").ok());
  CHECK_FALSE(decode_patterns(R"({"status":"success","data":[{"pattern":"x","samples":[[1]]}]})").ok());
}

namespace {

// Loki's answer to a `{app="web"} | logfmt` query with the categorize-labels flag (shape from
// Loki's API documentation and marshal tests): stream labels on the stream, each entry's
// structured metadata and parsed labels in a third element.
const char* kCategorizedAnswer = R"({"status":"success","data":{"resultType":"streams",
  "encodingFlags":["categorize-labels"],"result":[
  {"stream":{"app":"web"},"values":[
    ["1000000003000000000","level=info c",{"parsed":{"level":"info"}}],
    ["1000000002000000000","level=info b",{"structuredMetadata":{"trace_id":"t2"},"parsed":{"level":"info"}}],
    ["1000000001000000000","plain a",{}]]}],"stats":{}}})";

class CannedBackend : public FakeBackend {
 public:
  std::string body;
  util::Result<QueryResponse> query_range(const RangeRequest& r) override {
    requests.push_back(r);
    return decode_query_response(body);
  }
};

}  // namespace

TEST_CASE("logcli response: categorized answers decode each entry's categories") {
  auto r = decode_query_response(kCategorizedAnswer);
  REQUIRE(r.ok());
  CHECK(r->categorized);
  REQUIRE(r->result.streams.size() == 1);
  const auto& es = r->result.streams[0].entries;
  REQUIRE(es.size() == 3);
  CHECK(es[1].metadata.to_string() == R"({trace_id="t2"})");
  CHECK(es[1].parsed.to_string() == R"({level="info"})");
  CHECK(es[2].metadata.empty());
  CHECK(es[2].parsed.empty());
  // A plain answer (a server that ignores the flag) is not categorized.
  auto plain = decode_query_response(
      R"({"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"web","trace_id":"t2"},"values":[["5","x"]]}]}})");
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->categorized);
  CHECK(plain->result.streams[0].entries[0].metadata.empty());
  CHECK_FALSE(decode_query_response(
                  R"({"data":{"resultType":"streams","encodingFlags":["categorize-labels"],"result":[{"stream":{},"values":[["5","x",{"parsed":{"a":1}}]]}]}})")
                  .ok());
  auto tail = decode_tail_message(
      R"({"streams":[{"stream":{"a":"1"},"values":[["7","l",{"structuredMetadata":{"t":"x"}}]]}],"encodingFlags":["categorize-labels"]})");
  REQUIRE(tail.ok());
  CHECK(tail->categorized);
  CHECK(tail->streams[0].entries[0].metadata.to_string() == R"({t="x"})");
}

TEST_CASE("logcli query: jsonl keeps structured metadata apart; default and raw print merged labels") {
  CannedBackend b;
  b.body = kCategorizedAnswer;
  QueryOptions q = raw_query(3, false);  // one page: the canned answer ignores the range
  q.output.mode = OutputMode::Jsonl;
  q.output.utc = true;
  auto c = capture([&](std::FILE* o, std::FILE* e) { return run_server_query(b, q, ServerQueryOptions{}, o, e); });
  CHECK(c.rc == 0);
  CHECK(c.out ==
        R"({"labels":{"app":"web","level":"info"},"line":"level=info c","timestamp":"2001-09-09T01:46:43Z"})" "\n"
        R"({"labels":{"app":"web","level":"info"},"line":"level=info b","structured_metadata":{"trace_id":"t2"},"timestamp":"2001-09-09T01:46:42Z"})" "\n"
        R"({"labels":{"app":"web"},"line":"plain a","timestamp":"2001-09-09T01:46:41Z"})" "\n");
  q.output.mode = OutputMode::Default;
  q.output.quiet = true;
  c = capture([&](std::FILE* o, std::FILE* e) { return run_server_query(b, q, ServerQueryOptions{}, o, e); });
  CHECK(c.rc == 0);
  CHECK(c.out.find(R"({level="info", trace_id="t2"} level=info b)") != std::string::npos);
  // Aligned as before: the widest shown labels are {level="info", trace_id="t2"}.
  CHECK(c.out.find(R"({level="info"})" + std::string(16, ' ') + "level=info c") != std::string::npos);
  CHECK(c.err.empty());
}
