#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "logd/json_response.h"

using model::LabelSet;

TEST_CASE("logd json: streams result") {
  logql::QueryResult r;
  r.type = logql::ResultType::Streams;
  r.streams.push_back({LabelSet{{"app", "x"}, {"env", "a\"b"}}, {{1700000000000000001, "line <1>", {}}, {5, "two", {}}}});
  CHECK(logd::encode_result(r) ==
        R"([{"stream":{"app":"x","env":"a\"b"},"values":[["1700000000000000001","line \u003c1\u003e"],["5","two"]]}])");
  std::string full = logd::encode_query_response(r, {});
  CHECK(full.rfind(R"({"status":"success","data":{"resultType":"streams","result":[{"stream")", 0) == 0);
  CHECK(full.find(R"("stats":{"summary":{"bytesProcessedPerSecond":0,)") != std::string::npos);
  CHECK(full.find(R"("querier":{"store":{"totalChunksRef":0)") != std::string::npos);
  CHECK(full.find(R"("ingester":{"totalReached":1)") != std::string::npos);
  CHECK(full.substr(full.size() - 2) == "}}");
}

TEST_CASE("logd json: matrix, vector and scalar results") {
  logql::QueryResult m;
  m.type = logql::ResultType::Matrix;
  m.matrix.push_back({LabelSet{{"level", "error"}}, {{1700000000000000000, 2}, {1700000060000000000, 0.5}}});
  CHECK(logd::encode_result(m) == R"([{"metric":{"level":"error"},"values":[[1700000000,"2"],[1700000060,"0.5"]]}])");
  logql::QueryResult v;
  v.type = logql::ResultType::Vector;
  v.vector.push_back({LabelSet{}, {1700000000250000000, 3}});
  CHECK(logd::encode_result(v) == R"([{"metric":{},"value":[1700000000.25,"3"]}])");
  logql::QueryResult s;
  s.type = logql::ResultType::Scalar;
  s.scalar = {1700000000000000000, 42};
  CHECK(logd::encode_result(s) == R"([1700000000,"42"])");
  logql::QueryResult empty;
  empty.type = logql::ResultType::Matrix;
  CHECK(logd::encode_query_response(empty, {}).rfind(R"({"status":"success","data":{"resultType":"matrix","result":[],"stats":)", 0) == 0);
}

TEST_CASE("logd json: labels, series, index stats, format_query") {
  CHECK(logd::encode_string_list({"app", "env"}) == R"({"status":"success","data":["app","env"]})");
  CHECK(logd::encode_string_list({}) == R"({"status":"success","data":[]})");
  CHECK(logd::encode_series({LabelSet{{"a", "1"}}, LabelSet{{"a", "2"}, {"b", "x"}}}) ==
        R"({"status":"success","data":[{"a":"1"},{"a":"2","b":"x"}]})");
  CHECK(logd::encode_index_stats({2, 3, 40, 500}) == R"({"streams":2,"chunks":3,"entries":40,"bytes":500})");
  CHECK(logd::encode_format_query("{app=\"x\"} |= \"y\"") == R"({"status":"success","data":"{app=\"x\"} |= \"y\""})");
}

TEST_CASE("logd json: tail messages, with dropped entries only when there are some") {
  std::vector<logql::Stream> streams{{LabelSet{{"app", "x"}}, {{10, "hi", {}}}}};
  CHECK(logd::encode_tail(streams, {}) == R"({"streams":[{"stream":{"app":"x"},"values":[["10","hi"]]}]})");
  CHECK(logd::encode_tail({}, {{LabelSet{{"app", "y"}}, 20}}) ==
        R"({"streams":[],"dropped_entries":[{"labels":{"app":"y"},"timestamp":"20"}]})");
}

TEST_CASE("logd json: stats carry what was measured") {
  query::ExecStats s;
  s.lines_processed = 10;
  s.bytes_processed = 100;
  s.entries_returned = 3;
  s.exec_seconds = 0.5;
  std::string out = logd::encode_stats(s);
  CHECK(out.find(R"("bytesProcessedPerSecond":200,"linesProcessedPerSecond":20,"totalBytesProcessed":100,"totalLinesProcessed":10,"execTime":0.5,)") != std::string::npos);
  CHECK(out.find(R"("totalEntriesReturned":3)") != std::string::npos);
  CHECK(out.find(R"("decompressedLines":10)") != std::string::npos);
}

TEST_CASE("logd json: categorized streams (Loki's categorize-labels shape), metric results unchanged") {
  logql::QueryResult r;
  r.type = logql::ResultType::Streams;
  model::Entry plain{1, "a", {}};
  model::Entry md{2, "b", LabelSet{{"trace_id", "t1"}}};
  model::Entry both{3, "c", LabelSet{{"trace_id", "t2"}}, LabelSet{{"level", "info"}}};
  model::Entry parsed{4, "d", {}, LabelSet{{"__error__", "JSONParserErr"}}};
  r.streams.push_back({LabelSet{{"app", "x"}}, {plain, md, both, parsed}});
  CHECK(logd::encode_result(r, true) ==
        R"([{"stream":{"app":"x"},"values":[["1","a",{}],["2","b",{"structuredMetadata":{"trace_id":"t1"}}],)"
        R"(["3","c",{"structuredMetadata":{"trace_id":"t2"},"parsed":{"level":"info"}}],)"
        R"(["4","d",{"parsed":{"__error__":"JSONParserErr"}}]]}])");
  // Without the flag the entries' categories are not printed (the labels are merged instead).
  CHECK(logd::encode_result(r) == R"([{"stream":{"app":"x"},"values":[["1","a"],["2","b"],["3","c"],["4","d"]]}])");
  CHECK(logd::encode_query_response(r, {}, true)
            .rfind(R"({"status":"success","data":{"resultType":"streams","encodingFlags":["categorize-labels"],"result":[)", 0) == 0);
  logql::QueryResult m;
  m.type = logql::ResultType::Matrix;
  CHECK(logd::encode_query_response(m, {}, true) == logd::encode_query_response(m, {}, false));
  CHECK(logd::encode_tail(r.streams, {{LabelSet{{"app", "y"}}, 20}}, true) ==
        R"({"streams":[{"stream":{"app":"x"},"values":[["1","a",{}],["2","b",{"structuredMetadata":{"trace_id":"t1"}}],)"
        R"(["3","c",{"structuredMetadata":{"trace_id":"t2"},"parsed":{"level":"info"}}],)"
        R"(["4","d",{"parsed":{"__error__":"JSONParserErr"}}]]}],)"
        R"("dropped_entries":[{"labels":{"app":"y"},"timestamp":"20"}],"encodingFlags":["categorize-labels"]})");
}
