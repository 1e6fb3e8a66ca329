#include "relabel/relabel_yaml.h"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "model/go_string.h"

namespace relabel {
namespace {

util::Error field_error(const std::string& where, const std::string& key, const std::string& msg) {
  return util::Error{where + "." + key + ": " + msg};
}

util::Result<std::string> scalar(const YAML::Node& value, const std::string& where,
                                 const std::string& key) {
  if (!value.IsScalar()) return field_error(where, key, "expected a string");
  return value.Scalar();
}

}  // namespace

util::Result<RelabelRule> parse_relabel_rule(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) return util::Error{where + ": expected a mapping of relabel_config fields"};
  RelabelConfig c;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& value = kv.second;
    if (key != "source_labels" && key != "separator" && key != "regex" && key != "modulus" &&
        key != "target_label" && key != "replacement" && key != "action") {
      return util::Error{where + ": unknown field " + model::quote_go_string(key)};
    }
    if (value.IsNull()) continue;  // `key:` with no value keeps the default
    if (key == "source_labels") {
      if (!value.IsSequence()) return field_error(where, key, "expected a list of label names");
      c.source_labels_set = true;
      for (const auto& item : value) {
        if (!item.IsScalar()) return field_error(where, key, "expected a list of label names");
        if (!model::is_valid_label_name(item.Scalar())) {
          return field_error(where, key,
                             model::quote_go_string(item.Scalar()) + " is not a valid label name");
        }
        c.source_labels.push_back(item.Scalar());
      }
      continue;
    }
    auto text = scalar(value, where, key);
    if (!text.ok()) return text.status_error();
    if (key == "separator") {
      c.separator = *text;
    } else if (key == "regex") {
      c.regex = *text;
      c.regex_set = true;
    } else if (key == "modulus") {
      const std::string& s = *text;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), c.modulus);
      if (ec != std::errc() || end != s.data() + s.size()) {
        return field_error(where, key, "cannot parse " + model::quote_go_string(s) +
                                           " as an unsigned integer");
      }
    } else if (key == "target_label") {
      c.target_label = *text;
    } else if (key == "replacement") {
      c.replacement = *text;
    } else {  // action
      auto action = parse_action(*text);
      if (!action) {
        return field_error(where, key, "unknown relabel action " + model::quote_go_string(*text));
      }
      c.action = *action;
    }
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
