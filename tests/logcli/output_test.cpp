#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "logcli/output.h"
#include "model/time.h"

using namespace logcli;

namespace {

// Runs print_result into memory buffers.
std::pair<std::string, std::string> render(const logql::QueryResult& r, logql::Direction d, const OutputOptions& o) {
  char* out_buf = nullptr;
  char* err_buf = nullptr;
  size_t out_len = 0, err_len = 0;
  std::FILE* out = open_memstream(&out_buf, &out_len);
  std::FILE* err = open_memstream(&err_buf, &err_len);
  print_result(r, d, o, out, err);
  std::fclose(out);
  std::fclose(err);
  std::pair<std::string, std::string> res{std::string(out_buf, out_len), std::string(err_buf, err_len)};
  free(out_buf);
  free(err_buf);
  return res;
}

const int64_t T0 = 1704164645LL * model::kNanosPerSecond;  // 2024-01-02T03:04:05Z

logql::QueryResult two_streams() {
  logql::QueryResult r;
  r.type = logql::ResultType::Streams;
  r.streams.push_back({model::LabelSet{{"app", "api"}, {"level", "error"}}, {{T0 + 2, "b  ", {}}, {T0, "a", {}}}});
  r.streams.push_back({model::LabelSet{{"app", "api"}, {"level", "info"}}, {{T0 + 1, "c", {}}}});
  return r;
}

}  // namespace

TEST_CASE("default output merges streams by time, pads labels and notes common labels") {
  OutputOptions o;
  o.utc = true;
  auto [out, err] = render(two_streams(), logql::Direction::Backward, o);
  CHECK(out ==
        "2024-01-02T03:04:05Z {level=\"error\"} b\n"
        "2024-01-02T03:04:05Z {level=\"info\"}  c\n"
        "2024-01-02T03:04:05Z {level=\"error\"} a\n");
  CHECK(err == "Common labels: {app=\"api\"}\n");
  o.quiet = true;
  o.no_labels = true;
  auto [out2, err2] = render(two_streams(), logql::Direction::Forward, o);
  CHECK(out2 == "2024-01-02T03:04:05Z a\n2024-01-02T03:04:05Z c\n2024-01-02T03:04:05Z b\n");
  CHECK(err2.empty());
}

TEST_CASE("raw and jsonl output") {
  OutputOptions o;
  o.utc = true;
  o.mode = OutputMode::Raw;
  CHECK(render(two_streams(), logql::Direction::Forward, o).first == "a\nc\nb  \n");
  o.mode = OutputMode::Jsonl;
  auto out = render(two_streams(), logql::Direction::Forward, o).first;
  CHECK(out.substr(0, out.find('\n')) ==
        R"({"labels":{"app":"api","level":"error"},"line":"a","timestamp":"2024-01-02T03:04:05Z"})");
  model::Entry e{T0 + 5, "<a & \"b\">\x01\xff", {}};
  CHECK(format_jsonl_entry({}, e, o) ==
        R"({"labels":{},"line":"\u003ca \u0026 \"b\"\u003e\u0001\ufffd","timestamp":"2024-01-02T03:04:05.000000005Z"})");
}

TEST_CASE("metric results print as Loki's indented JSON") {
  std::vector<logql::Series> m{{model::LabelSet{{"level", "error"}}, {{T0, 3}, {T0 + 500 * model::kNanosPerMilli, 0.25}}}};
  CHECK(format_matrix_json(m) ==
        "[\n  {\n    \"metric\": {\n      \"level\": \"error\"\n    },\n    \"values\": [\n      [\n        1704164645,\n"
        "        \"3\"\n      ],\n      [\n        1704164645.5,\n        \"0.25\"\n      ]\n    ]\n  }\n]");
  std::vector<logql::VectorSample> v{{model::LabelSet{}, {T0, 1e21}}};
  CHECK(format_vector_json(v) ==
        "[\n  {\n    \"metric\": {},\n    \"value\": [\n      1704164645,\n      \"1000000000000000000000\"\n    ]\n  }\n]");
  CHECK(format_vector_json({}) == "[]");
  CHECK(format_scalar_json({T0, 2}) == "[\n  1704164645,\n  \"2\"\n]");
}
