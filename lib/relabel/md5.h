// MD5 digest (RFC 1321). Used only where a format fixes the hash: Prometheus's `hashmod`
// relabel action is defined on MD5, so sharding must match Prometheus/Promtail bit for bit.
// Not for security. Thread-safe: pure function.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace relabel {

std::array<uint8_t, 16> md5(std::string_view data);

}  // namespace relabel
