// The section readers of the promtail.yaml parser (config_yaml.cpp), one file per part:
// config_sources_yaml.cpp (syslog, journal, loki_push_api) and config_sd_yaml.cpp
// (kubernetes_sd_configs: strictly, Prometheus keys logtail does not implement named as such).
// Each reads the mapping at `path` (e.g. "scrape_configs[0].syslog") with config::FieldReader;
// errors name the key path, e.g.
//   scrape_configs[0].kubernetes_sd_configs[0].role: unknown role "pods"
//
// Thread-safety: pure functions. Private to lib/logtail's configuration.
#pragma once

#include <string>

#include "discovery/kubernetes_sd.h"
#include "logtail/config_sources.h"
#include "util/result.h"

namespace YAML {
class Node;
}

namespace logtail {

util::Status parse_syslog_source(const YAML::Node& node, const std::string& path, SyslogSourceConfig& out);
util::Status parse_gelf_source(const YAML::Node& node, const std::string& path, GelfSourceConfig& out);
util::Status parse_journal_source(const YAML::Node& node, const std::string& path, JournalSourceConfig& out);
util::Status parse_push_api_source(const YAML::Node& node, const std::string& path, PushApiSourceConfig& out);
util::Status parse_kubernetes_sd(const YAML::Node& node, const std::string& path, discovery::KubernetesSdConfig& k);

}  // namespace logtail
