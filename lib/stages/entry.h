// The entry a Promtail pipeline works on: stream labels, the extracted map, timestamp, line,
// structured metadata and tenant; and the conversions Promtail applies to extracted values.
// Plain data, not thread-safe; a pipeline owns the entry while it runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/labels.h"

namespace stages {

using json = nlohmann::json;

// Promtail's extracted map (map[string]interface{}): values are strings, numbers, booleans, null
// or, from the json stage, nested JSON. A small flat vector: pipelines hold a handful of keys, so
// a linear scan beats hashing. clear() keeps the slots themselves (keys and string values with
// their buffers) for the next entry, so a pipeline setting the same keys line after line
// allocates nothing. Iteration is in insertion order.
class ExtractedMap {
 public:
  const json* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  void set(std::string_view key, json value);
  void set_string(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.begin() + static_cast<std::ptrdiff_t>(size_); }

 private:
  // A slot for a new key: a spare one (after clear()) or a new one.
  std::pair<std::string, json>& append(std::string_view key);
  std::vector<std::pair<std::string, json>> items_;  // [0, size_) live, the rest spare
  size_t size_ = 0;
};

struct Entry {
  model::LabelSet labels;
  ExtractedMap extracted;
  int64_t timestamp = 0;  // nanoseconds since the Unix epoch
  std::string line;
  model::LabelSet metadata;  // structured metadata, sent beside the line
  std::string tenant;        // set by the tenant stage; empty means the client's default
};

// Promtail's getString: strings as they are, numbers in Go's shortest non-exponent form
// (strconv.FormatFloat(f, 'f', -1, 64)), booleans as true/false. Null, lists and objects have no
// string form (nullopt), and stages that need a string skip such values, as Promtail does.
std::optional<std::string> value_to_string(const json& v);
// Appends the string form; false (and nothing appended) when there is none.
bool append_value_string(std::string& out, const json& v);

// Promtail's getFloat (metrics stage): numbers, booleans (1/0), and strings holding a float or a
// Go duration (converted to seconds, "250ms" -> 0.25).
std::optional<double> value_to_float(const json& v);

}  // namespace stages
