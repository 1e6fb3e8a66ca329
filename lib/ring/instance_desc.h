// One member of a ring, as stored in the key-value store: the value of the key
// `<prefix>/<instance id>`, one key per instance, attached to the instance's lease.
//
// Encoding: a JSON object, readable with `etcdctl get --prefix` (the ring is small; readability
// beats the bytes protobuf would save):
//   {"id":"ingester-1","addr":"127.0.0.1:3100","zone":"","state":"ACTIVE",
//    "tokens":[12,34,...],"heartbeat_unix_ms":1700000000123,"registered_unix_ms":1700000000000}
// Unknown fields are ignored when decoding (a newer writer may add some); a missing or unknown
// state, a missing id or a token outside uint32 is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace ring {

// The states of dskit's lifecycler: JOINING while the instance gets ready (WAL replay), ACTIVE
// when it serves, LEAVING while it hands over and shuts down; PENDING is registered but not yet
// joining (kept for Loki's vocabulary; the lifecycler here does not use it).
enum class InstanceState { kPending, kJoining, kActive, kLeaving };

std::string_view state_name(InstanceState state);  // "PENDING", "JOINING", "ACTIVE", "LEAVING"
std::optional<InstanceState> parse_state(std::string_view name);

struct InstanceDesc {
  std::string id;
  std::string addr;  // host:port of the instance's HTTP API
  std::string zone;  // availability zone, "" for none
  InstanceState state = InstanceState::kJoining;
  std::vector<uint32_t> tokens;  // sorted, no duplicates
  int64_t heartbeat_unix_ms = 0;
  int64_t registered_unix_ms = 0;

  bool operator==(const InstanceDesc&) const = default;
};

std::string encode_instance(const InstanceDesc& desc);
util::Result<InstanceDesc> decode_instance(std::string_view value);

// The key of an instance: "<prefix>/<id>" (a trailing '/' on the prefix is not doubled).
std::string instance_key(std::string_view prefix, std::string_view id);
// What every instance key of the ring starts with: "<prefix>/".
std::string ring_key_prefix(std::string_view prefix);

}  // namespace ring
