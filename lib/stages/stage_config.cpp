#include "stages/stage_config.h"

#include <charconv>

namespace stages {

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

StageConfig::StageConfig(YAML::Node node, std::string stage) : node_(std::move(node)), stage_(std::move(stage)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) fail("expected a map of settings");
}

void StageConfig::fail(const std::string& message) const { throw ConfigError(stage_ + " stage: " + message); }

bool StageConfig::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  for (const auto& kv : node_) {
    if (kv.first.as<std::string>() == key) return true;
  }
  return false;
}

YAML::Node StageConfig::scalar(std::string_view key) {
  read_.insert(std::string(key));
  if (!node_.IsMap()) return YAML::Node();
  for (const auto& kv : node_) {
    if (kv.first.as<std::string>() != key) continue;
    if (kv.second.IsNull()) return YAML::Node();
    if (!kv.second.IsScalar()) fail("key " + quoted(key) + " must be a single value");
    return kv.second;
  }
  return YAML::Node();
}

std::optional<std::string> StageConfig::string(std::string_view key) {
  YAML::Node n = scalar(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return n.Scalar();
}

std::string StageConfig::required_string(std::string_view key) {
  auto s = string(key);
  if (!s || s->empty()) fail("missing required key " + quoted(key));
  return *s;
}

std::optional<bool> StageConfig::boolean(std::string_view key) {
  auto s = string(key);
  if (!s) return std::nullopt;
  // YAML 1.1 booleans plus Go's strconv.ParseBool forms (mapstructure's weak decoding).
  if (*s == "true" || *s == "True" || *s == "TRUE" || *s == "yes" || *s == "on" || *s == "1") return true;
  if (*s == "false" || *s == "False" || *s == "FALSE" || *s == "no" || *s == "off" || *s == "0") return false;
  fail("key " + quoted(key) + ": " + quoted(*s) + " is not a boolean");
}

std::optional<int64_t> StageConfig::integer(std::string_view key) {
  auto s = string(key);
  if (!s) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size()) fail("key " + quoted(key) + ": " + quoted(*s) + " is not an integer");
  return v;
}

std::optional<double> StageConfig::number(std::string_view key) {
  auto s = string(key);
  if (!s) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size()) fail("key " + quoted(key) + ": " + quoted(*s) + " is not a number");
  return v;
}

std::optional<YAML::Node> StageConfig::node(std::string_view key) {
  read_.insert(std::string(key));
  if (!node_.IsMap()) return std::nullopt;
  for (const auto& kv : node_) {
    if (kv.first.as<std::string>() == key) {
      if (kv.second.IsNull()) return std::nullopt;
      return kv.second;
    }
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> StageConfig::string_list(std::string_view key, bool scalar_ok) {
  auto n = node(key);
  if (!n) return std::nullopt;
  if (n->IsScalar()) {
    if (!scalar_ok) fail("key " + quoted(key) + " must be a list");
    return std::vector<std::string>{n->Scalar()};
  }
  return as_string_list(*n, stage_ + " stage: key " + quoted(key));
}

std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> StageConfig::string_map(
    std::string_view key) {
  auto n = node(key);
  if (!n) return std::nullopt;
  return as_string_map(*n, stage_ + " stage: key " + quoted(key));
}

std::vector<std::pair<std::string, std::optional<std::string>>> StageConfig::as_string_map(const YAML::Node& n,
                                                                                         const std::string& what) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  if (n.IsNull()) return out;
  if (!n.IsMap()) throw ConfigError(what + ": expected a map");
  for (const auto& kv : n) {
    std::string k = kv.first.as<std::string>();
    if (kv.second.IsNull()) {
      out.emplace_back(k, std::nullopt);
    } else if (kv.second.IsScalar()) {
      out.emplace_back(k, kv.second.Scalar());
    } else {
      throw ConfigError(what + ": value of " + quoted(k) + " must be a string");
    }
  }
  return out;
}

std::vector<std::string> StageConfig::as_string_list(const YAML::Node& n, const std::string& what) {
  std::vector<std::string> out;
  if (n.IsNull()) return out;
  if (!n.IsSequence()) throw ConfigError(what + ": expected a list");
  for (const auto& item : n) {
    if (!item.IsScalar()) throw ConfigError(what + ": list items must be strings");
    out.push_back(item.Scalar());
  }
  return out;
}

void StageConfig::finish() {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    std::string k = kv.first.as<std::string>();
    if (!read_.count(k)) fail("unknown key " + quoted(k));
  }
}

}  // namespace stages
