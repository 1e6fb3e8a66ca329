// Parsing of the service discovery sections of a scrape config: kubernetes_sd_configs (strictly:
// unknown keys are errors, and Prometheus keys logtail does not implement are named as such)
// and the checks on file_sd_configs patterns. Errors name the key path, e.g.
//   scrape_configs[0].kubernetes_sd_configs[0].role: unknown role "pods"
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "discovery/kubernetes_sd.h"
#include "util/result.h"

namespace YAML {
class Node;
}

namespace logtail {

util::Status parse_kubernetes_sd(const YAML::Node& node, const std::string& path, discovery::KubernetesSdConfig& k);

}  // namespace logtail
