// IP address matching for `|= ip("...")` line filters and `label = ip("...")` label filters,
// as Loki's ip filter does it: the pattern is one address, a CIDR prefix, or a range `a-b`
// (IPv4 or IPv6, Go netip syntax). Immutable after compile; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace logql::log {

struct IpAddr {
  bool v6 = false;
  std::array<uint8_t, 16> b{};  // IPv4 uses the first 4 bytes
  int size() const { return v6 ? 16 : 4; }
};

// netip.ParseAddr without zones: dotted IPv4 (no leading zeros) or IPv6 (with `::` and an
// optional trailing dotted IPv4).
bool parse_ip(std::string_view s, IpAddr& out);

class IpMatcher {
 public:
  static util::Result<IpMatcher> compile(std::string_view pattern);
  // True when `addr` parses as an address inside the pattern.
  bool matches_value(std::string_view value) const;
  // True when any IP-looking token of `line` is inside the pattern (Loki's scan, with its hints).
  bool matches_line(std::string_view line) const;

 private:
  bool contains(const IpAddr& ip) const;
  enum class Kind { Single, Prefix, Range } kind_ = Kind::Single;
  IpAddr lo_, hi_;
  int bits_ = 0;
};

}  // namespace logql::log
