#include "logcli/jsonl_entry.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "model/time.h"

namespace logcli {

namespace {

using json = nlohmann::json;

// `field`: the object's key; `item`: what one of its members is called in errors.
util::Result<model::LabelSet> string_object(const json& j, const char* field, const char* item) {
  if (j.is_null()) return model::LabelSet{};
  if (!j.is_object()) return util::Error{std::string("\"") + field + "\" must be an object of strings"};
  std::vector<model::Label> labels;
  labels.reserve(j.size());
  for (auto& [k, v] : j.items()) {
    if (!v.is_string()) return util::Error{std::string(item) + " \"" + k + "\" must be a string"};
    labels.push_back({k, v.get<std::string>()});
  }
  return model::LabelSet::from_unsorted(std::move(labels));
}

util::Result<int64_t> entry_time(const json& j) {
  if (auto t = j.find("timestamp"); t != j.end()) {
    if (!t->is_string()) return util::Error{"\"timestamp\" must be an RFC3339 string"};
    return model::parse_rfc3339(t->get<std::string>());
  }
  if (auto n = j.find("ts"); n != j.end()) {
    if (n->is_number_integer()) return n->get<int64_t>();
    if (n->is_string()) return model::parse_time(n->get<std::string>());
    return util::Error{"\"ts\" must be integer nanoseconds"};
  }
  return util::Error{"missing \"timestamp\" (or \"ts\")"};
}

}  // namespace

util::Result<JsonlEntry> parse_jsonl_entry(std::string_view line) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return util::Error{"not a JSON object"};
  JsonlEntry out;
  if (auto it = j.find("labels"); it != j.end()) {
    auto labels = string_object(*it, "labels", "label");
    if (!labels) return labels.status_error();
    out.labels = std::move(*labels);
  }
  if (auto it = j.find("structured_metadata"); it != j.end()) {
    auto md = string_object(*it, "structured_metadata", "structured metadata");
    if (!md) return md.status_error();
    out.entry.metadata = std::move(*md);
  }
  auto lit = j.find("line");
  if (lit == j.end() || !lit->is_string()) return util::Error{"missing string field \"line\""};
  out.entry.line = std::move(lit->get_ref<std::string&>());
  auto ts = entry_time(j);
  if (!ts) return ts.status_error();
  out.entry.timestamp = *ts;
  return out;
}

}  // namespace logcli
