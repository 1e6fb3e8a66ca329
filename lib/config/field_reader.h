// FieldReader: the one strict reader of configuration YAML (promtail.yaml, logd's Loki-style
// config, pipeline stages, relabel rules). Every key of a mapping must be claimed by a read (or
// declared unsupported); finish() then reports the first problem, naming its key path:
//   scrape_configs[0].static_configs[0]: unknown field "lables"
//   clients[0].batchwait: not a valid duration string: "fast"
//   server.grpc_listen_port: not supported: logtail has no gRPC server (set it to 0)
// A key with a null value (`key:`) keeps its default, as Go's YAML decoder does.
//
// Weak typing (set_weakly_typed) reads booleans as Promtail decodes pipeline stage settings
// (mapstructure's WeaklyTypedInput): Go's strconv.ParseBool forms ("1", "t", "F", ...) besides
// YAML's.
//
// Not thread-safe: one reader per mapping, used by one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/labels.h"
#include "util/result.h"

namespace config {

class FieldReader {
 public:
  // `path` names the mapping in messages ("" for the top level). A null node reads as empty.
  FieldReader(const YAML::Node& node, std::string path);

  void set_weakly_typed(bool weak) { weak_ = weak; }

  // The child at `key` (claimed), or an undefined node when absent or null.
  YAML::Node child(const std::string& key);
  // "path.key" for messages about a child.
  std::string path_of(const std::string& key) const;
  const std::string& path() const { return path_; }

  void read_string(const std::string& key, std::string& out);
  void read_string(const std::string& key, std::optional<std::string>& out);
  // Fails with "<path>: missing required field "<key>"" when absent or empty.
  void read_required_string(const std::string& key, std::string& out);
  void read_bool(const std::string& key, bool& out);
  void read_int(const std::string& key, int64_t& out, int64_t min, int64_t max);
  void read_int(const std::string& key, std::optional<int64_t>& out, int64_t min, int64_t max);
  void read_double(const std::string& key, double& out);
  void read_double(const std::string& key, std::optional<double>& out);
  // Go/Prometheus duration syntax ("10s", "1h30m", "0"); a number without unit is an error.
  void read_duration(const std::string& key, int64_t& out);
  void read_duration(const std::string& key, std::optional<int64_t>& out);
  // Bytes as an integer or with a unit ("256kb", "2MiB").
  void read_bytes(const std::string& key, int64_t& out);
  void read_bytes(const std::string& key, std::optional<uint64_t>& out);
  // A list of strings; when `scalar_ok`, a single string is a one-element list.
  void read_string_list(const std::string& key, std::vector<std::string>& out, bool scalar_ok = false);
  void read_string_list(const std::string& key, std::optional<std::vector<std::string>>& out,
                        bool scalar_ok = false);
  void read_string_map(const std::string& key, std::map<std::string, std::string>& out);
  // A mapping of names to optional strings, in the order written (`{level: , app: source}`).
  void read_named_values(const std::string& key, std::vector<std::pair<std::string, std::optional<std::string>>>& out);
  // A label set: names must be valid label names.
  void read_labels(const std::string& key, model::LabelSet& out);

  // Reads a list of mappings at `key`: parse(item_node, "path.key[i]", item) for each, an error
  // stopping at the first.
  template <class T, class Parse>
  void read_list(const std::string& key, std::vector<T>& out, Parse parse) {
    YAML::Node list = child(key);
    if (!list.IsDefined()) return;
    const std::string path = path_of(key);
    if (!list.IsSequence()) {
      fail(path + ": expected a list");
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      T item;
      if (util::Status st = parse(list[i], path + "[" + std::to_string(i) + "]", item); !st.ok()) {
        fail(st.error());
        return;
      }
      out.push_back(std::move(item));
    }
  }

  // Claims `key`; if it is set (non-null, and not the value `allowed_value` when given), records
  // "<path>.<key>: not supported yet[: why]" (or "not supported: why" when `ever` is true).
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
  // Sets `out` from read(value) when `key` is set and reading it recorded no error.
  template <class T, class Read>
  void read_optional(const std::string& key, std::optional<T>& out, Read read) {
    if (!child(key).IsDefined()) return;
    T value{};
    const bool had_error = failed();
    read(value);
    if (failed() == had_error) out = std::move(value);
  }

  YAML::Node node_;
  std::string path_;
  std::set<std::string> claimed_;
  std::string error_;
  bool weak_ = false;
};

}  // namespace config
