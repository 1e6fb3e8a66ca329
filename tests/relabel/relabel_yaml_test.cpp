// Reading relabel_configs: Prometheus's defaults, its validation rules and error messages, our
// path-prefixed errors for unknown keys, and the printer.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "relabel/relabel_yaml.h"

namespace {

std::string error_of(const char* yaml) {
  auto r = relabel::parse_relabel_rule(YAML::Load(yaml), "relabel_configs[0]");
  return r.ok() ? std::string("<ok>") : r.error();
}

}  // namespace

TEST_CASE("defaults are Prometheus's") {
  auto r = relabel::parse_relabel_rule(YAML::Load("{target_label: x}"), "r");
  REQUIRE(r.ok());
  const auto& c = r->config();
  CHECK(c.action == relabel::Action::kReplace);
  CHECK(c.separator == ";");
  CHECK(c.regex == "(.*)");
  CHECK(c.replacement == "$1");
  CHECK(c.modulus == 0);
  CHECK_FALSE(c.regex_set);
  // Null values keep defaults, as Go's decoder does.
  r = relabel::parse_relabel_rule(YAML::Load("{target_label: x, separator: , regex: }"), "r");
  REQUIRE(r.ok());
  CHECK(r->config().separator == ";");
  CHECK(r->config().regex == "(.*)");
}

TEST_CASE("Prometheus's validation messages") {
  CHECK(error_of("{action: replace}") ==
        "relabel_configs[0]: relabel configuration for replace action requires 'target_label' value");
  CHECK(error_of("{action: lowercase, source_labels: [a]}") ==
        "relabel_configs[0]: relabel configuration for lowercase action requires 'target_label' value");
  CHECK(error_of("{action: hashmod, target_label: x}") ==
        "relabel_configs[0]: relabel configuration for hashmod requires non-zero modulus");
  CHECK(error_of("{action: hashmod, target_label: 1x, modulus: 2}") ==
        "relabel_configs[0]: \"1x\" is invalid 'target_label' for hashmod action");
  CHECK(error_of("{target_label: 'a-b'}") ==
        "relabel_configs[0]: \"a-b\" is invalid 'target_label' for replace action");
  CHECK(error_of("{target_label: '${1}-x'}") ==
        "relabel_configs[0]: \"${1}-x\" is invalid 'target_label' for replace action");
  CHECK(error_of("{target_label: '${1}'}") == "<ok>");
  CHECK(error_of("{target_label: 'pre_$1_${name}'}") == "<ok>");
  CHECK(error_of("{action: uppercase, target_label: '$1'}") ==
        "relabel_configs[0]: \"$1\" is invalid 'target_label' for uppercase action");
  CHECK(error_of("{action: lowercase, target_label: x, replacement: y}") ==
        "relabel_configs[0]: 'replacement' can not be set for lowercase action");
  CHECK(error_of("{action: labelmap, replacement: 'a-$1'}") ==
        "relabel_configs[0]: \"a-$1\" is invalid 'replacement' for labelmap action");
  CHECK(error_of("{action: keepequal, target_label: x, regex: '(.*)'}") ==
        "relabel_configs[0]: keepequal action requires only 'source_labels' and `target_label`, "
        "and no other fields");
  CHECK(error_of("{action: dropequal, target_label: x, separator: ','}") ==
        "relabel_configs[0]: dropequal action requires only 'source_labels' and `target_label`, "
        "and no other fields");
  CHECK(error_of("{action: labeldrop, regex: x, source_labels: []}") ==
        "relabel_configs[0]: labeldrop action requires only 'regex', and no other fields");
  CHECK(error_of("{action: labelkeep, regex: x, target_label: y}") ==
        "relabel_configs[0]: labelkeep action requires only 'regex', and no other fields");
  CHECK(error_of("{action: labeldrop, regex: x}") == "<ok>");
}

TEST_CASE("bad values and unknown keys name the key and its path") {
  CHECK(error_of("{target_label: x, regex: '(abc'}").starts_with(
      "relabel_configs[0]: error parsing regexp: "));
  CHECK(error_of("{action: rename}") ==
        "relabel_configs[0].action: unknown relabel action \"rename\"");
  CHECK(error_of("{action: HashMod, target_label: x, modulus: -1}") ==
        "relabel_configs[0].modulus: cannot parse \"-1\" as an unsigned integer");
  CHECK(error_of("{source_lables: [a], target_label: x}") ==
        "relabel_configs[0]: unknown field \"source_lables\"");
  CHECK(error_of("{source_labels: [a-b], target_label: x}") ==
        "relabel_configs[0].source_labels: \"a-b\" is not a valid label name");
  CHECK(error_of("{source_labels: a, target_label: x}") ==
        "relabel_configs[0].source_labels: expected a list of label names");
  CHECK(error_of("[a]") == "relabel_configs[0]: expected a mapping of relabel_config fields");
  auto list = relabel::parse_relabel_rules(YAML::Load("[{target_label: x}, {action: drop, x: 1}]"),
                                           "scrape_configs[0].relabel_configs");
  REQUIRE_FALSE(list.ok());
  CHECK(list.error() == "scrape_configs[0].relabel_configs[1]: unknown field \"x\"");
}

TEST_CASE("the printer spells out every default and round-trips") {
  auto r = relabel::parse_relabel_rule(
      YAML::Load("{source_labels: [a, b], target_label: t, action: HASHMOD, modulus: 4}"), "r");
  REQUIRE(r.ok());
  YAML::Emitter e;
  e << relabel::relabel_rule_to_yaml(*r);
  CHECK(std::string(e.c_str()) ==
        "source_labels: [a, b]\nseparator: ;\nregex: (.*)\nmodulus: 4\ntarget_label: t\n"
        "replacement: $1\naction: hashmod");
  auto again = relabel::parse_relabel_rule(YAML::Load(e.c_str()), "r");
  REQUIRE(again.ok());
  CHECK(again->config().modulus == 4);
  CHECK(again->config().source_labels == std::vector<std::string>{"a", "b"});
}
