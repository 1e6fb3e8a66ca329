#include "query/detected_labels.h"

#include <map>
#include <set>

#include "golang/strconv.h"

namespace query {
namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool is_static_label(std::string_view name) {
  return name == "cluster" || name == "namespace" || name == "instance" || name == "pod";
}

}  // namespace

bool is_uuid(std::string_view v) {
  if (v.size() == 45 && v.substr(0, 9) == "urn:uuid:") v.remove_prefix(9);
  if (v.size() == 38 && v.front() == '{' && v.back() == '}') v = v.substr(1, 36);
  if (v.size() == 32) {
    for (char c : v)
      if (!is_hex(c)) return false;
    return true;
  }
  if (v.size() != 36) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !is_hex(v[i])) return false;
  }
  return true;
}

std::vector<DetectedLabel> detect_labels(const std::vector<model::LabelSet>& series) {
  std::map<std::string, std::set<std::string>, std::less<>> values;
  for (const auto& s : series)
    for (const auto& l : s) values[l.name].insert(l.value);
  std::vector<DetectedLabel> out;
  for (const auto& [name, vals] : values) {
    bool ids_only = true;
    for (const auto& v : vals) {
      if (!golang::parse_float(v).ok() && !is_uuid(v)) {
        ids_only = false;
        break;
      }
    }
    if (ids_only && !is_static_label(name)) continue;
    out.push_back(DetectedLabel{name, vals.size()});
  }
  return out;
}

}  // namespace query
