// limits_config in logd's YAML (Loki's keys): read strictly on top of given defaults, checked,
// and printed back. The same reader serves the main config's limits_config and each tenant's
// block under overrides.<tenant> in the runtime config file (runtime_config.h), so a key means
// the same in both places and an unknown key is an error naming its full path in either.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "logd/cluster_config.h"
#include "logd/config.h"
#include "util/result.h"

namespace logd {

// Reads the mapping `node` (named `path` in messages: "limits_config", "overrides.team-a") into
// `limits`, whose current values are the defaults for keys the mapping leaves out. `cluster`
// receives the keys that shape the cluster rather than a tenant (ingestion_rate_strategy,
// split_queries_by_interval, max_query_parallelism); null (a tenant's overrides): those keys are
// errors. `notes` receives Loki keys accepted without effect (null: none are expected).
util::Status parse_limits(const YAML::Node& node, const std::string& path, LimitsConfig& limits,
                          ClusterConfig* cluster, std::vector<std::string>* notes);

// Cross-field checks (retention periods of at least 24h, valid retention selectors).
util::Status check_limits(const LimitsConfig& limits, const std::string& path);

// Every key with its value, as -print-config and GET /runtime_config print them.
YAML::Node print_limits(const LimitsConfig& limits);

}  // namespace logd
