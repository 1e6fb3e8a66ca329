#include <doctest/doctest.h>

#include "ruler/rule_compile.h"
#include "ruler/rule_file.h"

namespace {

std::string errors_text(const std::vector<ruler::RuleError>& errs) {
  std::string s;
  for (const auto& e : errs) s += e.to_string() + "\n";
  return s;
}

const char* kGood = R"Y(groups:
  - name: app
    interval: 30s
    limit: 5
    rules:
      - alert: AppPanics
        expr: sum by (app) (count_over_time({app="some-app"} |= "panic" [1m])) > 0
        for: 10s
        keep_firing_for: 1m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.app }} panics ({{ $value }})"
      - record: app:panics:count1m
        expr: sum by (app) (count_over_time({app="some-app"} |= "panic" [1m]))
        labels:
          team: core
)Y";

}  // namespace

TEST_CASE("ruler: a well-formed rule file parses into groups and rules, and formats back") {
  auto parsed = ruler::parse_rule_file(kGood, "rules.yaml");
  REQUIRE_MESSAGE(parsed.errors.empty(), errors_text(parsed.errors));
  REQUIRE(parsed.file.groups.size() == 1);
  const auto& g = parsed.file.groups[0];
  CHECK(g.name == "app");
  CHECK(g.interval_ns == 30'000'000'000);
  CHECK(g.limit == 5);
  REQUIRE(g.rules.size() == 2);
  CHECK(g.rules[0].alert == "AppPanics");
  CHECK(g.rules[0].for_ns == 10'000'000'000);
  CHECK(g.rules[0].keep_firing_for_ns == 60'000'000'000);
  CHECK(g.rules[0].line == 6);
  CHECK(g.rules[0].labels == ruler::TemplateMap{{"severity", "page"}});
  CHECK(g.rules[1].record == "app:panics:count1m");

  // What the API and the local store write reads back the same.
  auto again = ruler::parse_rule_file(ruler::format_rule_file(parsed.file.groups), "x");
  REQUIRE(again.errors.empty());
  CHECK(again.file.groups == parsed.file.groups);
  auto one = ruler::parse_rule_group(ruler::format_rule_group(g));
  REQUIRE(one.ok());
  CHECK(*one == g);

  std::vector<ruler::RuleError> errs;
  auto compiled = ruler::compile_rule_file(kGood, "rules.yaml", "ns", errs);
  CHECK_MESSAGE(errs.empty(), errors_text(errs));
  REQUIRE(compiled.size() == 1);
  CHECK(compiled[0].name_space == "ns");
  CHECK(compiled[0].rules[0].expr != nullptr);
}

TEST_CASE("ruler: structural problems are reported with file, line, group and rule, all of them") {
  const char* bad = R"Y(groups:
  - name: g1
    interval: fast
    rules:
      - alert: A
        expr: vector(1)
        fore: 5m
  - name: g1
    rules: []
  - name: ""
    rules: []
)Y";
  auto parsed = ruler::parse_rule_file(bad, "bad.yaml");
  std::string text = errors_text(parsed.errors);
  CHECK(text.find("bad.yaml:3:15: group \"g1\": interval: ") != std::string::npos);
  CHECK(text.find("bad.yaml:7:9: group \"g1\", rule 1 (\"A\"): unknown field \"fore\" in rule") != std::string::npos);
  CHECK(text.find("groupname: \"g1\" is repeated in the same file") != std::string::npos);
  CHECK(text.find("group name must not be empty") != std::string::npos);

  auto syntax = ruler::parse_rule_file("groups: [\n  - name: x\n", "s.yaml");
  REQUIRE(syntax.errors.size() == 1);
  CHECK(syntax.errors[0].to_string().rfind("s.yaml:", 0) == 0);
  CHECK(syntax.errors[0].message.find("invalid YAML") != std::string::npos);
}

TEST_CASE("ruler: semantic checks name the rule and carry the LogQL parse error") {
  const char* bad = R"Y(groups:
  - name: g
    rules:
      - alert: BadQuery
        expr: sum(count_over_time({app="x"}[1m]) >
      - alert: LogQuery
        expr: '{app="x"} |= "panic"'
      - record: "bad name"
        expr: vector(1)
        annotations: {a: b}
        for: 1m
      - alert: BadTemplate
        expr: vector(1)
        annotations:
          summary: "{{ $labels.x "
        labels:
          "bad-label": x
      - expr: vector(1)
)Y";
  std::vector<ruler::RuleError> errs;
  auto groups = ruler::compile_rule_file(bad, "f.yaml", "f", errs);
  CHECK(groups.empty());
  std::string text = errors_text(errs);
  INFO(text);
  CHECK(text.find("f.yaml:4:9: group \"g\", rule 1 (\"BadQuery\"): expr: parse error at line 1") != std::string::npos);
  CHECK(text.find("rule 2 (\"LogQuery\"): expr: a rule needs a metric query") != std::string::npos);
  CHECK(text.find("invalid recording rule name: \"bad name\"") != std::string::npos);
  CHECK(text.find("invalid field 'annotations' in recording rule") != std::string::npos);
  CHECK(text.find("invalid field 'for' in recording rule") != std::string::npos);
  CHECK(text.find("rule 4 (\"BadTemplate\"): annotation \"summary\": template:") != std::string::npos);
  CHECK(text.find("invalid label name: \"bad-label\"") != std::string::npos);
  CHECK(text.find("rule 5: one of 'record' or 'alert' must be set") != std::string::npos);
}

TEST_CASE("ruler: metric names") {
  CHECK(ruler::is_valid_metric_name("job:errors:rate5m"));
  CHECK(ruler::is_valid_metric_name("_x1"));
  CHECK_FALSE(ruler::is_valid_metric_name("1x"));
  CHECK_FALSE(ruler::is_valid_metric_name("a-b"));
  CHECK_FALSE(ruler::is_valid_metric_name(""));
}
