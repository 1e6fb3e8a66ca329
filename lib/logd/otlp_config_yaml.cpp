#include "logd/otlp_config_yaml.h"

#include "config/field_reader.h"

namespace logd {
namespace {

using config::FieldReader;

util::Status parse_rules(const YAML::Node& node, const std::string& path, std::vector<otlp::AttributesRule>& out) {
  if (!node.IsDefined() || node.IsNull()) return {};
  if (!node.IsSequence()) return util::invalid_argument(path + ": expected a list");
  out.clear();
  for (size_t i = 0; i < node.size(); ++i) {
    std::string where = path + "[" + std::to_string(i) + "]";
    FieldReader r(node[i], where);
    otlp::AttributesRule rule;
    std::string action;
    r.read_string("action", action);
    r.read_string_list("attributes", rule.attributes);
    r.read_string("regex", rule.regex);
    if (auto st = r.finish(); !st.ok()) return st;
    auto a = otlp::parse_action(action);
    if (!a.ok()) return util::prefixed(where + ".action: ", a.status_error());
    rule.action = *a;
    if (auto st = otlp::compile_rule(rule); !st.ok()) return util::prefixed(where + ": ", st.status_error());
    out.push_back(std::move(rule));
  }
  return {};
}

YAML::Node print_rules(const std::vector<otlp::AttributesRule>& rules) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const auto& r : rules) {
    YAML::Node n;
    n["action"] = std::string(otlp::action_name(r.action));
    if (!r.attributes.empty()) n["attributes"] = r.attributes;
    if (!r.regex.empty()) n["regex"] = r.regex;
    list.push_back(n);
  }
  return list;
}

}  // namespace

util::Status parse_otlp_config(const YAML::Node& node, const std::string& path, otlp::OtlpConfig& out) {
  FieldReader r(node, path);
  {
    std::string rpath = path + ".resource_attributes";
    FieldReader res(r.child("resource_attributes"), rpath);
    res.read_bool("ignore_defaults", out.ignore_defaults);
    if (auto st = parse_rules(res.child("attributes_config"), rpath + ".attributes_config", out.resource_attributes);
        !st.ok()) {
      return st;
    }
    if (auto st = res.finish(); !st.ok()) return st;
  }
  if (auto st = parse_rules(r.child("scope_attributes"), path + ".scope_attributes", out.scope_attributes); !st.ok()) {
    return st;
  }
  if (auto st = parse_rules(r.child("log_attributes"), path + ".log_attributes", out.log_attributes); !st.ok()) {
    return st;
  }
  r.read_bool("severity_text_as_label", out.severity_text_as_label);
  if (auto st = r.finish(); !st.ok()) return st;
  if (auto st = otlp::validate(out); !st.ok()) return util::prefixed(path + ": ", st.status_error());
  return {};
}

YAML::Node print_otlp_config(const otlp::OtlpConfig& c) {
  YAML::Node n;
  n["resource_attributes"]["ignore_defaults"] = c.ignore_defaults;
  n["resource_attributes"]["attributes_config"] = print_rules(c.resource_attributes);
  n["scope_attributes"] = print_rules(c.scope_attributes);
  n["log_attributes"] = print_rules(c.log_attributes);
  n["severity_text_as_label"] = c.severity_text_as_label;
  return n;
}

void read_distributor_otlp_keys(config::FieldReader& distributor, std::vector<std::string>& default_index_labels) {
  FieldReader o(distributor.child("otlp_config"), "distributor.otlp_config");
  o.read_string_list("default_resource_attributes_as_index_labels", default_index_labels);
  if (auto st = o.finish(); !st.ok()) distributor.fail(st.error());
}

}  // namespace logd
