// Labels kept apart by category (Loki's categorize-labels): a pipeline's StreamPipeline splits an
// entry's labels into stream labels, structured metadata and parsed labels as Loki's
// LabelsBuilder does, and a categorized log query groups entries by their stream labels only.
#include <doctest/doctest.h>

#include "logql/eval/engine.h"
#include "logql/eval/memory_source.h"
#include "logql/log/pipeline.h"
#include "logql/parser.h"

namespace {

struct Split {
  bool kept = false;
  std::string line, stream, metadata, parsed;
  std::string merged;  // what the uncategorized process() gives for the same entry
};

// Runs one entry through the stages of `query` (a log selector), both ways.
Split run(const std::string& query, const std::string& stream, const std::string& line,
          const model::LabelSet& metadata = {}) {
  auto expr = logql::parse(query);
  REQUIRE_MESSAGE(expr.ok(), (expr.ok() ? "" : expr.error()));
  const auto& sel = std::get<logql::ast::LogSelector>(expr->node);
  auto p = logql::log::Pipeline::compile(sel.stages);
  REQUIRE(p.ok());
  auto labels = model::parse_label_set(stream);
  REQUIRE(labels.ok());
  auto sp = p->for_stream(*labels);
  Split out;
  std::string_view line_out;
  logql::log::CategorizedLabels cat;
  out.kept = sp->process_categorized(7, line, metadata, line_out, cat);
  if (!out.kept) return out;
  out.line = std::string(line_out);
  out.stream = cat.stream->labels.to_string();
  out.metadata = cat.metadata.to_string();
  out.parsed = cat.parsed.to_string();
  const logql::log::ResultLabels* merged = nullptr;
  REQUIRE(sp->process(7, line, metadata, line_out, merged));
  out.merged = merged->labels.to_string();
  return out;
}

const model::LabelSet kTrace{{"trace_id", "t1"}};

}  // namespace

TEST_CASE("categories: no stages keep the stream labels and the metadata apart") {
  auto s = run(R"({app="web"})", R"({app="web"})", "hello", kTrace);
  CHECK(s.stream == R"({app="web"})");
  CHECK(s.metadata == R"({trace_id="t1"})");
  CHECK(s.parsed == "{}");
  CHECK(s.merged == R"({app="web", trace_id="t1"})");
  // Metadata named like a stream label is renamed, as Loki's Add does (BaseHas -> _extracted).
  s = run(R"({app="web"})", R"({app="web"})", "hello", model::LabelSet{{"app", "other"}});
  CHECK(s.stream == R"({app="web"})");
  CHECK(s.metadata == R"({app_extracted="other"})");
}

TEST_CASE("categories: parsers add parsed labels; a formatted label overrides metadata of its name") {
  auto s = run(R"({app="web"} | logfmt)", R"({app="web"})", "level=info msg=hi", kTrace);
  CHECK(s.stream == R"({app="web"})");
  CHECK(s.metadata == R"({trace_id="t1"})");
  CHECK(s.parsed == R"({level="info", msg="hi"})");
  // A parser's key that names structured metadata is renamed, as one naming a stream label is.
  s = run(R"({app="web"} | json)", R"({app="web"})", R"({"status":200,"trace_id":"t9"})", kTrace);
  CHECK(s.metadata == R"({trace_id="t1"})");
  CHECK(s.parsed == R"({status="200", trace_id_extracted="t9"})");
  // A label_format template sets a parsed label: Loki's Set(ParsedLabel) takes the name out of
  // the metadata.
  s = run(R"({app="web"} | label_format trace_id="x-{{.trace_id}}")", R"({app="web"})", "l", kTrace);
  CHECK(s.metadata == "{}");
  CHECK(s.parsed == R"({trace_id="x-t1"})");
  CHECK(s.merged == R"({app="web", trace_id="x-t1"})");
  // A parsed name that is a stream label gets `_extracted`; the stream label stays.
  s = run(R"({level="x"} | logfmt)", R"({level="x"})", "level=info");
  CHECK(s.stream == R"({level="x"})");
  CHECK(s.parsed == R"({level_extracted="info"})");
}

TEST_CASE("categories: label_format renames keep the category, templates make parsed labels") {
  auto s = run(R"({app="web"} | label_format tid=trace_id)", R"({app="web"})", "l", kTrace);
  CHECK(s.metadata == R"({tid="t1"})");
  CHECK(s.parsed == "{}");
  s = run(R"({app="web"} | label_format application=app)", R"({app="web"})", "l", kTrace);
  CHECK(s.stream == R"({application="web"})");
  CHECK(s.metadata == R"({trace_id="t1"})");
  s = run(R"({app="web"} | label_format app="{{.app}}-x")", R"({app="web"})", "l");
  CHECK(s.stream == "{}");  // the parsed label of the same name wins over the stream's
  CHECK(s.parsed == R"({app="web-x"})");
  CHECK(s.merged == R"({app="web-x"})");
}

TEST_CASE("categories: drop and keep reach every category; errors are parsed labels") {
  auto s = run(R"({app="web"} | logfmt | drop trace_id, level)", R"({app="web", env="p"})", "level=info a=b",
               kTrace);
  CHECK(s.stream == R"({app="web", env="p"})");
  CHECK(s.metadata == "{}");
  CHECK(s.parsed == R"({a="b"})");
  s = run(R"({app="web"} | logfmt | keep app, a)", R"({app="web", env="p"})", "level=info a=b", kTrace);
  CHECK(s.stream == R"({app="web"})");
  CHECK(s.metadata == "{}");
  CHECK(s.parsed == R"({a="b"})");
  s = run(R"({app="web"} | json)", R"({app="web"})", "not json", kTrace);
  CHECK(s.stream == R"({app="web"})");
  CHECK(s.metadata == R"({trace_id="t1"})");
  CHECK(s.parsed.find(R"(__error__="JSONParserErr")") != std::string::npos);
  CHECK(s.parsed.find("__error_details__=") != std::string::npos);
  // A filter on the metadata still sees it, and a dropped entry is dropped both ways.
  CHECK_FALSE(run(R"({app="web"} | trace_id="other")", R"({app="web"})", "l", kTrace).kept);
  CHECK(run(R"({app="web"} | trace_id="t1")", R"({app="web"})", "l", kTrace).kept);
}

namespace {

logql::MemorySource two_streams() {
  logql::MemorySource src;
  src.append(model::LabelSet{{"app", "web"}}, model::Entry{1, "level=info", model::LabelSet{{"trace_id", "a"}}});
  src.append(model::LabelSet{{"app", "web"}}, model::Entry{2, "level=error", model::LabelSet{{"trace_id", "b"}}});
  src.append(model::LabelSet{{"app", "web"}}, model::Entry{3, "level=info", {}});
  src.append(model::LabelSet{{"app", "db"}}, model::Entry{4, "plain", {}});
  return src;
}

logql::QueryParams params(bool categorize) {
  logql::QueryParams p;
  p.start = 0;
  p.end = 10;
  p.limit = 100;
  p.direction = logql::Direction::Forward;
  p.categorize_labels = categorize;
  return p;
}

}  // namespace

TEST_CASE("a categorized log query groups entries by their stream labels only") {
  auto src = two_streams();
  auto expr = logql::parse(R"({app=~".+"} | logfmt)");
  REQUIRE(expr.ok());
  auto plain = logql::evaluate(*expr, params(false), src);
  REQUIRE(plain.ok());
  // Merged labels: each (trace_id, level) combination is its own stream, plus db's.
  CHECK(plain->streams.size() == 4);

  auto cat = logql::evaluate(*expr, params(true), src);
  REQUIRE(cat.ok());
  REQUIRE(cat->streams.size() == 2);
  CHECK(cat->streams[0].labels.to_string() == R"({app="db"})");
  CHECK(cat->streams[1].labels.to_string() == R"({app="web"})");
  const auto& web = cat->streams[1].entries;
  REQUIRE(web.size() == 3);
  CHECK(web[0].metadata.to_string() == R"({trace_id="a"})");
  CHECK(web[0].parsed.to_string() == R"({level="info"})");
  CHECK(web[1].metadata.to_string() == R"({trace_id="b"})");
  CHECK(web[1].parsed.to_string() == R"({level="error"})");
  CHECK(web[2].metadata.empty());
  CHECK(web[2].parsed.to_string() == R"({level="info"})");
  CHECK(cat->streams[0].entries[0].parsed.empty());  // "plain" is logfmt with no pair

  // Without stages, entries with metadata and without share their stream.
  auto bare = logql::parse(R"({app="web"})");
  REQUIRE(bare.ok());
  auto b = logql::evaluate(*bare, params(true), src);
  REQUIRE(b.ok());
  REQUIRE(b->streams.size() == 1);
  CHECK(b->streams[0].entries.size() == 3);
  CHECK(b->streams[0].entries[2].metadata.empty());
}

TEST_CASE("stream_log_entries gives the categories too, and metric queries ignore the flag") {
  auto src = two_streams();
  auto expr = logql::parse(R"({app="web"} | logfmt)");
  REQUIRE(expr.ok());
  std::vector<std::string> got;
  auto st = logql::stream_log_entries(*expr, params(true), src, [&](const model::LabelSet& l, const model::Entry& e) {
    got.push_back(l.to_string() + " " + e.metadata.to_string() + " " + e.parsed.to_string());
  });
  REQUIRE(st.ok());
  REQUIRE(got.size() == 3);
  CHECK(got[0] == R"({app="web"} {trace_id="a"} {level="info"})");
  CHECK(got[2] == R"({app="web"} {} {level="info"})");

  auto metric = logql::parse(R"(sum by (level) (count_over_time({app="web"} | logfmt [10s])))");
  REQUIRE(metric.ok());
  auto p = params(true);
  p.start = p.end = 5;
  p.instant = true;
  auto a = logql::evaluate(*metric, p, src);
  p.categorize_labels = false;
  auto b = logql::evaluate(*metric, p, src);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->vector.size() == 2);
  REQUIRE(b->vector.size() == 2);
  CHECK(a->vector[0].labels == b->vector[0].labels);
  CHECK(a->vector[0].point.v == b->vector[0].point.v);
}
