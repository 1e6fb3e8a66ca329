#include "ring/instance_desc.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ring {

std::string_view state_name(InstanceState state) {
  switch (state) {
    case InstanceState::kPending: return "PENDING";
    case InstanceState::kJoining: return "JOINING";
    case InstanceState::kActive: return "ACTIVE";
    case InstanceState::kLeaving: return "LEAVING";
  }
  return "UNKNOWN";
}

std::optional<InstanceState> parse_state(std::string_view name) {
  for (auto s : {InstanceState::kPending, InstanceState::kJoining, InstanceState::kActive, InstanceState::kLeaving}) {
    if (state_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string encode_instance(const InstanceDesc& d) {
  nlohmann::json j = {{"id", d.id},
                      {"addr", d.addr},
                      {"zone", d.zone},
                      {"state", state_name(d.state)},
                      {"tokens", d.tokens},
                      {"heartbeat_unix_ms", d.heartbeat_unix_ms},
                      {"registered_unix_ms", d.registered_unix_ms}};
  return j.dump();
}

util::Result<InstanceDesc> decode_instance(std::string_view value) {
  nlohmann::json j = nlohmann::json::parse(value, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return util::corruption("ring instance: not a JSON object");
  InstanceDesc d;
  auto string_field = [&](const char* name, std::string& out) {
    auto it = j.find(name);
    if (it == j.end()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  auto int_field = [&](const char* name, int64_t& out) {
    auto it = j.find(name);
    if (it == j.end()) return true;
    if (!it->is_number_integer()) return false;
    out = it->get<int64_t>();
    return true;
  };
  std::string state;
  if (!string_field("id", d.id) || !string_field("addr", d.addr) || !string_field("zone", d.zone) ||
      !string_field("state", state) || !int_field("heartbeat_unix_ms", d.heartbeat_unix_ms) ||
      !int_field("registered_unix_ms", d.registered_unix_ms)) {
    return util::corruption("ring instance: a field has the wrong JSON type");
  }
  if (d.id.empty()) return util::corruption("ring instance: no id");
  auto parsed = parse_state(state);
  if (!parsed) return util::corruption("ring instance " + d.id + ": unknown state \"" + state + "\"");
  d.state = *parsed;
  if (auto t = j.find("tokens"); t != j.end()) {
    if (!t->is_array()) return util::corruption("ring instance " + d.id + ": tokens is not an array");
    d.tokens.reserve(t->size());
    for (const auto& v : *t) {
      if (!v.is_number_unsigned() || v.get<uint64_t>() > UINT32_MAX) {
        return util::corruption("ring instance " + d.id + ": a token is not a uint32");
      }
      d.tokens.push_back(static_cast<uint32_t>(v.get<uint64_t>()));
    }
    // Sorted and distinct whatever the writer did: the ring's lookups depend on it.
    std::sort(d.tokens.begin(), d.tokens.end());
    d.tokens.erase(std::unique(d.tokens.begin(), d.tokens.end()), d.tokens.end());
  }
  return d;
}

std::string ring_key_prefix(std::string_view prefix) {
  std::string out(prefix);
  if (out.empty() || out.back() != '/') out += '/';
  return out;
}

std::string instance_key(std::string_view prefix, std::string_view id) {
  return ring_key_prefix(prefix) + std::string(id);
}

}  // namespace ring
