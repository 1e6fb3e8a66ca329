// Reading `relabel_configs` from YAML (yaml-cpp) and writing them back, for promtail.yaml and
// later logd's configuration. Unknown keys and wrong types are errors naming the key and its
// path; null values keep the default, as Go's YAML decoder does.
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <vector>

#include "relabel/relabel_rule.h"
#include "util/result.h"

namespace YAML {
class Node;
}

namespace relabel {

// One relabel_config mapping. `where` names it in error messages, e.g.
// "scrape_configs[0].relabel_configs[1]".
util::Result<RelabelRule> parse_relabel_rule(const YAML::Node& node, const std::string& where);

// A sequence of relabel_config mappings (a null node is an empty list).
util::Result<std::vector<RelabelRule>> parse_relabel_rules(const YAML::Node& node,
                                                           const std::string& where);

// The effective configuration with every default spelled out (for -print-config-stderr).
YAML::Node relabel_rule_to_yaml(const RelabelRule& rule);

}  // namespace relabel
