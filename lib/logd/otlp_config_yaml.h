// limits_config.otlp_config and distributor.otlp_config in logd's YAML (Loki's keys), read
// strictly (unknown keys name their path) and printed back for -print-config and
// GET /runtime_config.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/field_reader.h"
#include "otlp/otlp_config.h"
#include "util/result.h"

namespace logd {

// `path` names the mapping in messages ("limits_config.otlp_config"). The rules are compiled.
util::Status parse_otlp_config(const YAML::Node& node, const std::string& path, otlp::OtlpConfig& out);
YAML::Node print_otlp_config(const otlp::OtlpConfig& config);

// distributor.otlp_config: default_resource_attributes_as_index_labels, read from the distributor
// block's reader (the cluster reads its ring from the same block).
void read_distributor_otlp_keys(config::FieldReader& distributor, std::vector<std::string>& default_index_labels);

}  // namespace logd
