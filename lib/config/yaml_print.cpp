#include "config/yaml_print.h"

#include "model/time.h"

namespace config {

std::string print_duration(int64_t ns) { return model::format_duration_go(ns); }

std::string print_secret(const std::string& s) { return s.empty() ? std::string() : "<secret>"; }

YAML::Node print_string_map(const std::map<std::string, std::string>& m) {
  YAML::Node n(YAML::NodeType::Map);
  for (const auto& [k, v] : m) n[k] = v;
  return n;
}

YAML::Node print_labels(const model::LabelSet& labels) {
  YAML::Node n(YAML::NodeType::Map);
  for (const auto& l : labels) n[l.name] = l.value;
  return n;
}

std::string emit_document(const YAML::Node& root) {
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace config
