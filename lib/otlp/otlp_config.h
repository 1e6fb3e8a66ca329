// Loki's limits_config.otlp_config: which OTLP attributes become index labels, which become
// structured metadata and which are dropped, per tenant. An attribute takes the action of the first
// rule that names it (or whose regex matches it, fully anchored as Prometheus' relabel.Regexp);
// unmatched attributes are structured metadata. Resource attributes start with Loki's default rule
// (distributor.otlp_config.default_resource_attributes_as_index_labels -> index_label) unless
// resource_attributes.ignore_defaults is set.
//
// Thread-safe once built: rules are immutable and share their compiled regexes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace re2 {
class RE2;
}

namespace otlp {

enum class Action { kIndexLabel, kStructuredMetadata, kDrop };

// "index_label", "structured_metadata", "drop".
std::string_view action_name(Action action);
// Loki's error for anything else: "unsupported action, it must be one of: drop, index_label,
// structured_metadata".
util::Result<Action> parse_action(std::string_view text);

struct AttributesRule {
  Action action = Action::kStructuredMetadata;
  std::vector<std::string> attributes;  // exact names; or
  std::string regex;                    // as written (unanchored)
  std::shared_ptr<const re2::RE2> compiled;  // set by compile_rule()

  bool matches(std::string_view attribute) const;
};

// Checks a rule as Loki's AttributesConfig does (exactly one of attributes and regex) and
// compiles its regex.
util::Status compile_rule(AttributesRule& rule);

// Loki's default list of resource attributes stored as index labels.
const std::vector<std::string>& default_index_label_attributes();

struct OtlpConfig {
  bool ignore_defaults = false;                   // resource_attributes.ignore_defaults
  std::vector<AttributesRule> resource_attributes;  // resource_attributes.attributes_config
  std::vector<AttributesRule> scope_attributes;     // index_label not allowed
  std::vector<AttributesRule> log_attributes;
  bool severity_text_as_label = false;
  // The global default list the defaults rule uses (distributor.otlp_config); Loki's list unless
  // configured.
  std::vector<std::string> default_index_labels = default_index_label_attributes();

  Action resource_action(std::string_view attribute) const;
  Action scope_action(std::string_view attribute) const;
  Action log_action(std::string_view attribute) const;

  bool operator==(const OtlpConfig& o) const;
};

// Cross-rule checks (index_label is not an action for scope attributes).
util::Status validate(const OtlpConfig& config);

}  // namespace otlp
