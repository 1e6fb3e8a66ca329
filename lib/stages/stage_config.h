// Reading one stage's YAML configuration with strict key checking: every key a stage reads is
// recorded, and finish() rejects any key left over, naming it ("regex stage: unknown key
// \"expresion\""), so a typo in promtail.yaml fails at startup instead of being ignored.
//
// Errors are thrown as ConfigError inside lib/stages only; Pipeline::compile returns them as a
// util::Error. Not thread-safe (used while compiling).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace stages {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class StageConfig {
 public:
  // `node` is the stage's value (`regex: {...}` -> the map); null is treated as an empty map.
  StageConfig(YAML::Node node, std::string stage);

  const std::string& stage() const { return stage_; }
  bool has(std::string_view key) const;

  std::optional<std::string> string(std::string_view key);
  std::string required_string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<int64_t> integer(std::string_view key);
  std::optional<double> number(std::string_view key);
  // A list of strings; when `scalar_ok`, a single string is accepted as a one-element list.
  std::optional<std::vector<std::string>> string_list(std::string_view key, bool scalar_ok = false);
  // A map of string -> optional string (`labels: {level: , app: source}`).
  std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> string_map(std::string_view key);
  // The raw node, for nested structures (match stages, metric configs).
  std::optional<YAML::Node> node(std::string_view key);

  // Fails on keys that were never read.
  void finish();
  [[noreturn]] void fail(const std::string& message) const;

  // Helpers for stages whose whole value is a map or a list (labels, labeldrop...).
  static std::vector<std::pair<std::string, std::optional<std::string>>> as_string_map(const YAML::Node& n,
                                                                                       const std::string& what);
  static std::vector<std::string> as_string_list(const YAML::Node& n, const std::string& what);

 private:
  YAML::Node scalar(std::string_view key);
  YAML::Node node_;
  std::string stage_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace stages
