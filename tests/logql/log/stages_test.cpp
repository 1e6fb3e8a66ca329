#include <doctest/doctest.h>

#include "gotemplate/template.h"
#include "test_util.h"

using namespace logql::log;
using namespace logql::log::testing;
using logql::ast::MatchOp;

namespace {

logql::ast::Stage drop(std::vector<logql::ast::LabelSelection> l) { return logql::ast::DropLabels{std::move(l)}; }
logql::ast::Stage keep(std::vector<logql::ast::LabelSelection> l) { return logql::ast::KeepLabels{std::move(l)}; }
logql::ast::LabelSelection sel(std::string name) { return {std::move(name), std::nullopt}; }
logql::ast::LabelSelection sel(std::string name, MatchOp op, std::string v) {
  return {name, logql::ast::Matcher{name, op, std::move(v)}};
}
logql::ast::Stage relabel(std::string dst, std::string src) {
  logql::ast::LabelFormat f;
  f.items.push_back({std::move(dst), std::move(src), false});
  return f;
}
bool templates_available() { return gotemplate::Template::parse("{{.a}}").ok(); }

}  // namespace

TEST_CASE("drop removes names, matching values, and the error labels (Loki docs)") {
  auto o = run(stages(logfmt(), drop({sel("level"), sel("method", MatchOp::Eq, "GET")})), R"({job="varlogs"})",
               "level=info method=GET path=/");
  CHECK(o.labels == R"({job="varlogs", path="/"})");
  o = run(stages(logfmt(), drop({sel("method", MatchOp::Eq, "POST")})), "{}", "method=GET");
  CHECK(o.labels == R"({method="GET"})");
  o = run(stages(json(), drop({sel("__error__"), sel("__error_details__")})), R"({a="b"})", "nope");
  CHECK(o.labels == R"({a="b"})");
  o = run(stages(json(), drop({sel("__error__", MatchOp::Eq, "Other")})), R"({a="b"})", "nope");
  CHECK(o.labels.find("__error__") != std::string::npos);
  o = run(stages(drop({sel("job")})), R"({job="x", app="y"})", "l");
  CHECK(o.labels == R"({app="y"})");
}

TEST_CASE("keep retains listed names and matching values, never the error labels") {
  auto o = run(stages(logfmt(), keep({sel("level"), sel("method", MatchOp::Eq, "GET")})), R"({job="varlogs"})",
               "level=info method=GET path=/");
  CHECK(o.labels == R"({level="info", method="GET"})");
  o = run(stages(logfmt(), keep({sel("method", MatchOp::Eq, "POST")})), R"({job="x"})", "method=GET");
  CHECK(o.labels == "{}");
  o = run(stages(json(), keep({sel("job")})), R"({job="x", app="y"})", "nope");
  CHECK(o.labels.find(R"(__error__="JSONParserErr")") != std::string::npos);
  CHECK(o.labels.find("app=") == std::string::npos);
}

TEST_CASE("label_format renames keep the value and delete the source") {
  auto o = run(stages(logfmt(), relabel("dst", "src")), "{}", "src=v other=1");
  CHECK(o.labels == R"({dst="v", other="1"})");
  o = run(stages(relabel("service", "app")), R"({app="api", env="p"})", "l");
  CHECK(o.labels == R"({env="p", service="api"})");
  o = run(stages(relabel("dst", "missing")), R"({a="b"})", "l");
  CHECK(o.labels == R"({a="b"})");
}

TEST_CASE("label_format validation: a name once per stage, __error__ not formattable") {
  logql::ast::LabelFormat f;
  f.items.push_back({"a", "b", false});
  f.items.push_back({"a", "c", false});
  CHECK(compile_error(stages(std::move(f))) == "multiple label name 'a' not allowed in a single format operation");
  CHECK(compile_error(stages(relabel("__error__", "x"))) == "__error__ cannot be formatted");
}

TEST_CASE("line_format and label_format templates") {
  if (!templates_available()) {
    MESSAGE("template engine not available yet; template stage tests skipped");
    return;
  }
  auto o = run(stages(logfmt(), logql::ast::LineFormat{"{{.level}}: {{.msg}}"}), "{}", "level=info msg=hello");
  CHECK(o.line == "info: hello");
  logql::ast::LabelFormat f;
  f.items.push_back({"combo", "{{.a}}-{{.b}}", true});
  o = run(stages(logfmt(), std::move(f)), "{}", "a=1 b=2");
  CHECK(o.labels == R"({a="1", b="2", combo="1-2"})");
}

TEST_CASE("decolorize strips ANSI sequences") {
  auto o = run(stages(logql::ast::Decolorize{}), "{}", "\x1b[31mred\x1b[0m plain \x1b[1;32mbold\x1b[0m");
  CHECK(o.line == "red plain bold");
}

TEST_CASE("resulting labels are interned: same set, same object") {
  auto p = Pipeline::compile(stages(logfmt()));
  REQUIRE(p.ok());
  model::LabelSet stream{{"app", "a"}};
  auto sp = p->for_stream(stream);
  std::string_view out;
  const ResultLabels *r1, *r2, *r3;
  REQUIRE(sp->process(0, "x=1", {}, out, r1));
  REQUIRE(sp->process(1, "x=1", {}, out, r2));
  REQUIRE(sp->process(2, "x=2", {}, out, r3));
  CHECK(r1 == r2);
  CHECK(r1 != r3);
  CHECK(r1->hash == r1->labels.fingerprint());
  // A line-filter-only pipeline returns the stream's own labels.
  auto lp = Pipeline::compile(stages(line_filter(logql::ast::LineFilterOp::Contains, {"x"})));
  auto lsp = lp->for_stream(stream);
  REQUIRE(lsp->process(0, "x", {}, out, r1));
  CHECK(r1->labels == stream);
  CHECK_FALSE(lsp->process(0, "y", {}, out, r1));
  CHECK(Pipeline::compile({})->is_noop());
}

TEST_CASE("past the interning bound, new label sets are still right (one per entry, as `| json` with an ID)") {
  auto p = Pipeline::compile(stages(logfmt()));
  REQUIRE(p.ok());
  model::LabelSet stream{{"app", "a"}};
  auto sp = p->for_stream(stream);
  std::string_view out;
  const ResultLabels* r = nullptr;
  for (int i = 0; i < 6000; ++i) {
    std::string line = "id=" + std::to_string(i);
    REQUIRE(sp->process(i, line, {}, out, r));
    REQUIRE(r->labels == model::LabelSet{{"app", "a"}, {"id", std::to_string(i)}});
    REQUIRE(r->hash == r->labels.fingerprint());
  }
  // Past the bound, an entry that keeps the stream's own labels gets exactly those (the base
  // set is never the scratch slot, which the next new set overwrites).
  REQUIRE(sp->process(7000, "no pairs here", {}, out, r));
  CHECK(r->labels == stream);
  REQUIRE(sp->process(7001, "id=new", {}, out, r));
  REQUIRE(sp->process(7002, "still no pairs", {}, out, r));
  CHECK(r->labels == stream);
  // A set interned early is still found, and is the same object as before.
  const ResultLabels *first, *again;
  REQUIRE(sp->process(0, "id=0", {}, out, first));
  REQUIRE(sp->process(1, "id=0", {}, out, again));
  CHECK(first == again);
  CHECK(first->labels.get("id") == "0");
}
