#include "relabel/relabel_yaml.h"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "config/field_reader.h"
#include "model/go_string.h"

namespace relabel {
namespace {

util::Error field_error(const std::string& where, const std::string& key, const std::string& msg) {
  return util::Error{where + "." + key + ": " + msg};
}

}  // namespace

util::Result<RelabelRule> parse_relabel_rule(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) return util::Error{where + ": expected a mapping of relabel_config fields"};
  config::FieldReader r(node, where);
  RelabelConfig c;
  // The fields Prometheus rejects by presence are told apart from their defaults.
  if (YAML::Node labels = r.child("source_labels"); labels.IsDefined()) {
    if (!labels.IsSequence()) return field_error(where, "source_labels", "expected a list of label names");
    c.source_labels_set = true;
    for (const auto& item : labels) {
      if (!item.IsScalar()) return field_error(where, "source_labels", "expected a list of label names");
      if (!model::is_valid_label_name(item.Scalar())) {
        return field_error(where, "source_labels", model::quote_go_string(item.Scalar()) + " is not a valid label name");
      }
      c.source_labels.push_back(item.Scalar());
    }
  }
  r.read_string("separator", c.separator);
  if (r.child("regex").IsDefined()) {
    r.read_string("regex", c.regex);
    c.regex_set = true;
  }
  if (YAML::Node m = r.child("modulus"); m.IsDefined()) {
    const std::string s = m.IsScalar() ? m.Scalar() : std::string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), c.modulus);
    if (!m.IsScalar() || ec != std::errc() || end != s.data() + s.size()) {
      return field_error(where, "modulus", "cannot parse " + model::quote_go_string(s) + " as an unsigned integer");
    }
  }
  r.read_string("target_label", c.target_label);
  r.read_string("replacement", c.replacement);
  std::optional<std::string> action;
  r.read_string("action", action);
  if (auto st = r.finish(); !st.ok()) return st.status_error();
  if (action) {
    auto parsed = parse_action(*action);
    if (!parsed) return field_error(where, "action", "unknown relabel action " + model::quote_go_string(*action));
    c.action = *parsed;
  }
  auto rule = RelabelRule::compile(std::move(c));
  if (!rule.ok()) return util::prefixed(where + ": ", rule.status_error());
  return rule;
}

util::Result<std::vector<RelabelRule>> parse_relabel_rules(const YAML::Node& node,
                                                           const std::string& where) {
  std::vector<RelabelRule> rules;
  if (!node.IsDefined() || node.IsNull()) return rules;
  if (!node.IsSequence()) return util::Error{where + ": expected a list of relabel_config"};
  for (size_t i = 0; i < node.size(); ++i) {
    auto rule = parse_relabel_rule(node[i], where + "[" + std::to_string(i) + "]");
    if (!rule.ok()) return rule.status_error();
    rules.push_back(std::move(*rule));
  }
  return rules;
}

YAML::Node relabel_rule_to_yaml(const RelabelRule& rule) {
  const RelabelConfig& c = rule.config();
  YAML::Node out(YAML::NodeType::Map);
  if (!c.source_labels.empty()) {
    YAML::Node labels(YAML::NodeType::Sequence);
    for (const auto& l : c.source_labels) labels.push_back(l);
    labels.SetStyle(YAML::EmitterStyle::Flow);
    out["source_labels"] = labels;
  }
  out["separator"] = c.separator;
  out["regex"] = c.regex;
  if (c.modulus != 0) out["modulus"] = c.modulus;
  if (!c.target_label.empty()) out["target_label"] = c.target_label;
  out["replacement"] = c.replacement;
  out["action"] = std::string(action_name(c.action));
  return out;
}

}  // namespace relabel
