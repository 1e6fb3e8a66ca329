// FieldReader: strict, path-aware reading of one YAML mapping of promtail.yaml. Every key must be
// claimed by a read (or declared unsupported); finish() then reports the first problem:
//   scrape_configs[0].static_configs[0]: unknown field "lables"
//   clients[0].batchwait: not a valid duration string: "fast"
//   server.grpc_listen_port: not supported: logtail has no gRPC server (set it to 0)
// A key with a null value (`key:`) keeps its default, as Go's YAML decoder does.
// Not thread-safe: one reader per mapping, used by one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/labels.h"
#include "util/result.h"

namespace logtail {

class FieldReader {
 public:
  // `path` names the mapping in messages ("" for the top level). A null node reads as empty.
  FieldReader(const YAML::Node& node, std::string path);

  // The child at `key` (claimed), or an undefined node when absent or null.
  YAML::Node child(const std::string& key);
  // "path.key" for messages about a child.
  std::string path_of(const std::string& key) const;

  void read_string(const std::string& key, std::string& out);
  void read_bool(const std::string& key, bool& out);
  void read_int(const std::string& key, int64_t& out, int64_t min, int64_t max);
  void read_double(const std::string& key, double& out);
  // Go/Prometheus duration syntax ("10s", "1h30m", "0"); a number without unit is an error.
  void read_duration(const std::string& key, int64_t& out);
  // Bytes as an integer or with a unit ("256kb", "2MiB").
  void read_bytes(const std::string& key, int64_t& out);
  void read_string_list(const std::string& key, std::vector<std::string>& out);
  void read_string_map(const std::string& key, std::map<std::string, std::string>& out);
  // A label set: names must be valid label names.
  void read_labels(const std::string& key, model::LabelSet& out);

  // Claims `key`; if it is set (non-null, and not the value `allowed_value` when given), records
  // "<path>.<key>: not supported yet[: why]" (or "not supported: why" when `ever` is false).
  void reject(const std::string& key, const std::string& why, bool ever = false);
  // As reject(), but only when the value differs from the harmless `allowed` scalar ("0",
  // "false", "").
  void reject_unless(const std::string& key, const std::string& allowed, const std::string& why,
                     bool ever = false);

  // Records an error about this mapping (keeps only the first).
  void fail(const std::string& message);
  bool failed() const { return !error_.empty(); }
  // The first error, or the first unclaimed key.
  util::Status finish();

 private:
  bool scalar(const std::string& key, std::string& out);

  YAML::Node node_;
  std::string path_;
  std::set<std::string> claimed_;
  std::string error_;
};

}  // namespace logtail
