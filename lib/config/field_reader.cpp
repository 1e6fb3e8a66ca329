#include "config/field_reader.h"

#include <charconv>
#include <cstdlib>

#include "model/go_string.h"
#include "model/time.h"
#include "util/go_bool.h"

namespace config {

FieldReader::FieldReader(const YAML::Node& node, std::string path)
    : node_(node), path_(std::move(path)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    fail((path_.empty() ? std::string("configuration") : path_) + ": expected a mapping");
  }
}

std::string FieldReader::path_of(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void FieldReader::fail(const std::string& message) {
  if (error_.empty()) error_ = message;
}

YAML::Node FieldReader::child(const std::string& key) {
  claimed_.insert(key);
  if (!node_.IsDefined() || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      if (kv.second.IsNull()) break;
      return kv.second;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool FieldReader::scalar(const std::string& key, std::string& out) {
  YAML::Node n = child(key);
  if (!n.IsDefined()) return false;
  if (!n.IsScalar()) {
    fail(path_of(key) + ": expected a single value");
    return false;
  }
  out = n.Scalar();
  return true;
}

void FieldReader::read_string(const std::string& key, std::string& out) { scalar(key, out); }

void FieldReader::read_string(const std::string& key, std::optional<std::string>& out) {
  std::string s;
  if (scalar(key, s)) out = std::move(s);
}

void FieldReader::read_required_string(const std::string& key, std::string& out) {
  if (!scalar(key, out) || out.empty()) {
    fail((path_.empty() ? std::string("configuration") : path_) + ": missing required field " +
         model::quote_go_string(key));
  }
}

void FieldReader::read_bool(const std::string& key, bool& out) {
  std::string s;
  if (!scalar(key, s)) return;
  // YAML 1.1 booleans, as Go's yaml.v2 reads them.
  static const std::set<std::string> kTrue = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
  static const std::set<std::string> kFalse = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
  if (kTrue.count(s)) {
    out = true;
  } else if (kFalse.count(s)) {
    out = false;
  } else if (auto go = util::parse_go_bool(s); weak_ && go) {
    out = *go;
  } else {
    fail(path_of(key) + ": cannot parse " + model::quote_go_string(s) + " as a boolean");
  }
}

void FieldReader::read_int(const std::string& key, int64_t& out, int64_t min, int64_t max) {
  std::string s;
  if (!scalar(key, s)) return;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    fail(path_of(key) + ": cannot parse " + model::quote_go_string(s) + " as an integer");
  } else if (v < min || v > max) {
    fail(path_of(key) + ": " + s + " is out of range [" + std::to_string(min) + ", " +
         std::to_string(max) + "]");
  } else {
    out = v;
  }
}

void FieldReader::read_int(const std::string& key, std::optional<int64_t>& out, int64_t min, int64_t max) {
  read_optional(key, out, [&](int64_t& v) { read_int(key, v, min, max); });
}

void FieldReader::read_double(const std::string& key, std::optional<double>& out) {
  read_optional(key, out, [&](double& v) { read_double(key, v); });
}

void FieldReader::read_double(const std::string& key, double& out) {
  std::string s;
  if (!scalar(key, s)) return;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) {
    fail(path_of(key) + ": cannot parse " + model::quote_go_string(s) + " as a number");
  } else {
    out = v;
  }
}

void FieldReader::read_duration(const std::string& key, int64_t& out) {
  std::string s;
  if (!scalar(key, s)) return;
  auto d = model::parse_duration(s);
  if (!d.ok()) {
    fail(path_of(key) + ": " + d.error() + " (use a unit, e.g. \"10s\")");
  } else if (*d < 0) {
    fail(path_of(key) + ": duration must not be negative");
  } else {
    out = *d;
  }
}

void FieldReader::read_duration(const std::string& key, std::optional<int64_t>& out) {
  read_optional(key, out, [&](int64_t& v) { read_duration(key, v); });
}

void FieldReader::read_bytes(const std::string& key, std::optional<uint64_t>& out) {
  read_optional(key, out, [&](uint64_t& v) {
    int64_t bytes = 0;
    read_bytes(key, bytes);
    v = static_cast<uint64_t>(bytes);
  });
}

void FieldReader::read_bytes(const std::string& key, int64_t& out) {
  std::string s;
  if (!scalar(key, s)) return;
  auto b = model::parse_bytes(s);
  if (!b.ok() || *b > uint64_t(INT64_MAX)) {
    fail(path_of(key) + ": cannot parse " + model::quote_go_string(s) + " as a byte size");
  } else {
    out = static_cast<int64_t>(*b);
  }
}

void FieldReader::read_string_list(const std::string& key, std::optional<std::vector<std::string>>& out,
                                   bool scalar_ok) {
  read_optional(key, out, [&](std::vector<std::string>& v) { read_string_list(key, v, scalar_ok); });
}

void FieldReader::read_string_list(const std::string& key, std::vector<std::string>& out, bool scalar_ok) {
  YAML::Node n = child(key);
  if (!n.IsDefined()) return;
  if (scalar_ok && n.IsScalar()) {
    out = {n.Scalar()};
    return;
  }
  if (!n.IsSequence()) {
    fail(path_of(key) + ": expected a list of strings");
    return;
  }
  out.clear();
  for (const auto& item : n) {
    if (!item.IsScalar()) {
      fail(path_of(key) + ": expected a list of strings");
      return;
    }
    out.push_back(item.Scalar());
  }
}

void FieldReader::read_string_map(const std::string& key, std::map<std::string, std::string>& out) {
  std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> pairs;
  read_optional(key, pairs, [&](auto& v) { read_named_values(key, v); });
  if (!pairs) return;
  out.clear();
  for (auto& [name, value] : *pairs) out[name] = value.value_or("");
}

void FieldReader::read_named_values(const std::string& key,
                                    std::vector<std::pair<std::string, std::optional<std::string>>>& out) {
  YAML::Node n = child(key);
  if (!n.IsDefined()) return;
  if (!n.IsMap()) {
    fail(path_of(key) + ": expected a mapping of strings");
    return;
  }
  out.clear();
  for (const auto& kv : n) {
    if (!kv.first.IsScalar() || !(kv.second.IsScalar() || kv.second.IsNull())) {
      fail(path_of(key) + ": expected a mapping of strings");
      return;
    }
    out.emplace_back(kv.first.Scalar(), kv.second.IsNull() ? std::nullopt : std::optional(kv.second.Scalar()));
  }
}

void FieldReader::read_labels(const std::string& key, model::LabelSet& out) {
  std::map<std::string, std::string> m;
  read_string_map(key, m);
  std::vector<model::Label> labels;
  for (auto& [name, value] : m) {
    if (!model::is_valid_label_name(name)) {
      fail(path_of(key) + ": " + model::quote_go_string(name) + " is not a valid label name");
      return;
    }
    labels.push_back({name, std::move(value)});
  }
  if (!m.empty()) out = model::LabelSet::from_unsorted(std::move(labels));
}

void FieldReader::reject(const std::string& key, const std::string& why, bool ever) {
  YAML::Node n = child(key);
  if (!n.IsDefined()) return;
  std::string msg = path_of(key) + (ever ? ": not supported" : ": not supported yet");
  if (!why.empty()) msg += ": " + why;
  fail(msg);
}

void FieldReader::reject_unless(const std::string& key, const std::string& allowed,
                                const std::string& why, bool ever) {
  YAML::Node n = child(key);
  if (!n.IsDefined()) return;
  if (n.IsScalar() && n.Scalar() == allowed) return;
  if (n.IsMap() && n.size() == 0 && allowed.empty()) return;
  reject(key, why, ever);
}

util::Status FieldReader::finish() {
  if (!error_.empty()) return util::Error{error_};
  if (node_.IsDefined() && node_.IsMap()) {
    for (const auto& kv : node_) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("<complex key>");
      if (!claimed_.count(key)) {
        return util::Error{(path_.empty() ? std::string("configuration") : path_) +
                           ": unknown field " + model::quote_go_string(key)};
      }
    }
  }
  return {};
}

}  // namespace config
