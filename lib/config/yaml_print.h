// The pieces both apps' -print-config output is made of: durations in Go's time.Duration form
// (as Loki and Promtail print them: "10s", "5m0s"), secrets hidden, string maps and label sets
// as YAML mappings, and the emitted document.
// Thread-safe: pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>

#include "model/labels.h"

namespace config {

std::string print_duration(int64_t ns);
// "<secret>" for a set secret; an unset one stays empty so the output shows it is unset.
std::string print_secret(const std::string& s);
YAML::Node print_string_map(const std::map<std::string, std::string>& m);
YAML::Node print_labels(const model::LabelSet& labels);
// The document in block style, ending with a newline.
std::string emit_document(const YAML::Node& root);

}  // namespace config
