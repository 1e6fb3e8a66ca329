// GELF payloads (https://go2docs.graylog.org/current/getting_in_log_data/gelf.html) as Promtail's
// gelf target reads them through go-gelf: a datagram payload (reassembled from chunks, see
// gelf_chunks.h) is gzip (1f 8b), zlib (78 xx with a valid header check) or plain JSON; the
// JSON object's known fields are typed (a string field given a number is an error), keys
// starting with `_` are the additional fields, other keys are dropped. The line Promtail ships
// is the message written back as go-gelf writes it: the known fields in a fixed order, then the
// additional fields sorted by key, numbers as Go float64s, strings escaped as Go's encoding/json.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace sources {

struct GelfMessage {
  std::string version, host, short_message, full_message, facility;
  double timestamp = 0;  // seconds since the epoch, with a fraction
  int32_t level = 0;     // syslog severity, truncated toward zero as Go's int32(float64)
  nlohmann::json extra = nlohmann::json::object();  // the `_`-prefixed fields
};

// Decompresses (when gzip or zlib) and parses one complete GELF payload. At most
// `max_decoded_bytes` after decompression.
util::Result<GelfMessage> parse_gelf_payload(std::string_view payload, size_t max_decoded_bytes = 8 << 20);

// The message as go-gelf's MarshalJSONBuf writes it: the line of a Promtail GELF entry.
std::string gelf_message_json(const GelfMessage& m);

// Promtail's __gelf_message_level value: the syslog severity name ("emergency" .. "debug"),
// empty for a level outside 0..7.
std::string_view gelf_level_name(int32_t level);

}  // namespace sources
