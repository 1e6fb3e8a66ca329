#include "otlp/otlp_config.h"

#include <re2/re2.h>

#include <algorithm>

namespace otlp {
namespace {

Action first_action(const std::vector<AttributesRule>& rules, std::string_view attribute) {
  for (const AttributesRule& r : rules) {
    if (r.matches(attribute)) return r.action;
  }
  return Action::kStructuredMetadata;
}

bool same_rules(const std::vector<AttributesRule>& a, const std::vector<AttributesRule>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const AttributesRule& x, const AttributesRule& y) {
    return x.action == y.action && x.attributes == y.attributes && x.regex == y.regex;
  });
}

}  // namespace

std::string_view action_name(Action action) {
  switch (action) {
    case Action::kIndexLabel: return "index_label";
    case Action::kStructuredMetadata: return "structured_metadata";
    case Action::kDrop: return "drop";
  }
  return "";
}

util::Result<Action> parse_action(std::string_view text) {
  if (text == "index_label") return Action::kIndexLabel;
  if (text == "structured_metadata" || text.empty()) return Action::kStructuredMetadata;
  if (text == "drop") return Action::kDrop;
  return util::invalid_argument("unsupported action, it must be one of: drop, index_label, structured_metadata");
}

bool AttributesRule::matches(std::string_view attribute) const {
  if (compiled && RE2::FullMatch(attribute, *compiled)) return true;
  return std::find(attributes.begin(), attributes.end(), attribute) != attributes.end();
}

util::Status compile_rule(AttributesRule& rule) {
  if (rule.attributes.empty() && rule.regex.empty()) return util::invalid_argument("attributes or regex must be set");
  if (!rule.attributes.empty() && !rule.regex.empty()) {
    return util::invalid_argument("only one of attributes or regex must be set");
  }
  if (!rule.regex.empty()) {
    auto re = std::make_shared<RE2>(rule.regex, RE2::Quiet);
    if (!re->ok()) return util::invalid_argument("invalid regex " + rule.regex + ": " + re->error());
    rule.compiled = std::move(re);
  }
  return {};
}

const std::vector<std::string>& default_index_label_attributes() {
  static const std::vector<std::string> kDefaults = {
      "service.name",        "service.namespace",    "service.instance.id", "deployment.environment",
      "deployment.environment.name", "cloud.region", "cloud.availability_zone", "k8s.cluster.name",
      "k8s.namespace.name",  "k8s.pod.name",         "k8s.container.name",  "container.name",
      "k8s.replicaset.name", "k8s.deployment.name",  "k8s.statefulset.name", "k8s.daemonset.name",
      "k8s.cronjob.name",    "k8s.job.name",
  };
  return kDefaults;
}

Action OtlpConfig::resource_action(std::string_view attribute) const {
  if (!ignore_defaults &&
      std::find(default_index_labels.begin(), default_index_labels.end(), attribute) != default_index_labels.end()) {
    return Action::kIndexLabel;
  }
  return first_action(resource_attributes, attribute);
}
Action OtlpConfig::scope_action(std::string_view attribute) const { return first_action(scope_attributes, attribute); }
Action OtlpConfig::log_action(std::string_view attribute) const { return first_action(log_attributes, attribute); }

bool OtlpConfig::operator==(const OtlpConfig& o) const {
  return ignore_defaults == o.ignore_defaults && severity_text_as_label == o.severity_text_as_label &&
         default_index_labels == o.default_index_labels && same_rules(resource_attributes, o.resource_attributes) &&
         same_rules(scope_attributes, o.scope_attributes) && same_rules(log_attributes, o.log_attributes);
}

util::Status validate(const OtlpConfig& config) {
  for (const AttributesRule& r : config.scope_attributes) {
    if (r.action == Action::kIndexLabel) {
      return util::invalid_argument("index_label action is only supported for resource_attributes and log_attributes");
    }
  }
  return {};
}

}  // namespace otlp
