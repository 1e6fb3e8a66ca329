#include "logql/log/ip_matcher.h"

#include <cstring>

namespace logql::log {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_val(char c) { return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

bool parse_v4(std::string_view s, uint8_t* out) {
  int part = 0;
  size_t i = 0;
  while (part < 4) {
    if (i >= s.size() || !is_digit(s[i])) return false;
    size_t start = i;
    int v = 0;
    while (i < s.size() && is_digit(s[i])) {
      v = v * 10 + (s[i] - '0');
      if (v > 255) return false;
      ++i;
    }
    if (i - start > 1 && s[start] == '0') return false;  // leading zeros are ambiguous (octal)
    out[part++] = static_cast<uint8_t>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

bool parse_v6(std::string_view s, uint8_t* out) {
  uint8_t ip[16] = {};
  int ellipsis = -1, n = 0;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    i = 2;
    if (i == s.size()) {
      std::memset(out, 0, 16);
      return true;
    }
  }
  while (n < 16) {
    size_t start = i;
    int v = 0, digits = 0;
    while (i < s.size() && is_hex(s[i]) && digits < 5) {
      v = v * 16 + hex_val(s[i]);
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 4) return false;
    if (i < s.size() && s[i] == '.') {  // trailing IPv4
      if ((ellipsis < 0 && n != 12) || n + 4 > 16) return false;
      if (!parse_v4(s.substr(start), ip + n)) return false;
      n += 4;
      i = s.size();
      break;
    }
    ip[n] = static_cast<uint8_t>(v >> 8);
    ip[n + 1] = static_cast<uint8_t>(v);
    n += 2;
    if (i == s.size()) break;
    if (s[i] != ':' || i + 1 == s.size()) return false;
    ++i;
    if (s[i] == ':') {
      if (ellipsis >= 0) return false;
      ellipsis = n;
      ++i;
      if (i == s.size()) break;
    }
  }
  if (i != s.size()) return false;
  if (n < 16) {
    if (ellipsis < 0) return false;
    int tail = n - ellipsis;
    std::memmove(ip + 16 - tail, ip + ellipsis, tail);
    std::memset(ip + ellipsis, 0, 16 - n);
  } else if (ellipsis >= 0) {
    return false;  // `::` must stand for at least one group
  }
  std::memcpy(out, ip, 16);
  return true;
}

int compare(const IpAddr& a, const IpAddr& b) { return std::memcmp(a.b.data(), b.b.data(), a.size()); }

bool ipv4_hint(const char* p) { return is_digit(p[0]) && (p[1] == '.' || p[2] == '.' || p[3] == '.'); }

bool ipv6_hint(const char* p) {
  return (p[0] == ':' && p[1] == ':' && is_hex(p[2])) || (is_hex(p[0]) && p[1] == ':') ||
         (is_hex(p[0]) && is_hex(p[1]) && p[2] == ':') || (is_hex(p[0]) && is_hex(p[1]) && is_hex(p[2]) && p[3] == ':') ||
         (is_hex(p[0]) && is_hex(p[1]) && is_hex(p[2]) && is_hex(p[3]) && p[4] == ':');
}

size_t span(std::string_view s, const char* charset) {
  size_t i = 0;
  while (i < s.size() && std::strchr(charset, s[i]) && s[i] != '\0') ++i;
  return i;
}

}  // namespace

bool parse_ip(std::string_view s, IpAddr& out) {
  out = IpAddr{};
  for (char c : s) {
    if (c == ':') {
      out.v6 = true;
      return parse_v6(s, out.b.data());
    }
    if (c == '.') break;
  }
  return parse_v4(s, out.b.data());
}

util::Result<IpMatcher> IpMatcher::compile(std::string_view pattern) {
  IpMatcher m;
  auto invalid = [&] { return util::Error{"ip: invalid pattern: \"" + std::string(pattern) + "\""}; };
  if (parse_ip(pattern, m.lo_)) {
    m.kind_ = Kind::Single;
    return m;
  }
  if (size_t slash = pattern.find('/'); slash != std::string_view::npos) {
    std::string_view bits = pattern.substr(slash + 1);
    if (!parse_ip(pattern.substr(0, slash), m.lo_) || bits.empty() || bits.size() > 3) return invalid();
    int b = 0;
    for (char c : bits) {
      if (!is_digit(c)) return invalid();
      b = b * 10 + (c - '0');
    }
    if ((bits.size() > 1 && bits[0] == '0') || b > m.lo_.size() * 8) return invalid();
    m.bits_ = b;
    m.kind_ = Kind::Prefix;
    return m;
  }
  if (size_t dash = pattern.find('-'); dash != std::string_view::npos) {
    if (!parse_ip(pattern.substr(0, dash), m.lo_) || !parse_ip(pattern.substr(dash + 1), m.hi_)) return invalid();
    if (m.lo_.v6 != m.hi_.v6 || compare(m.hi_, m.lo_) < 0) return invalid();
    m.kind_ = Kind::Range;
    return m;
  }
  return invalid();
}

bool IpMatcher::contains(const IpAddr& ip) const {
  if (ip.v6 != lo_.v6) return false;
  switch (kind_) {
    case Kind::Single:
      return compare(ip, lo_) == 0;
    case Kind::Range:
      return compare(ip, lo_) >= 0 && compare(ip, hi_) <= 0;
    case Kind::Prefix: {
      int full = bits_ / 8, rest = bits_ % 8;
      if (std::memcmp(ip.b.data(), lo_.b.data(), full) != 0) return false;
      if (rest == 0) return true;
      uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
      return (ip.b[full] & mask) == (lo_.b[full] & mask);
    }
  }
  return false;
}

bool IpMatcher::matches_value(std::string_view value) const {
  IpAddr ip;
  return parse_ip(value, ip) && contains(ip);
}

bool IpMatcher::matches_line(std::string_view line) const {
  const size_t n = line.size();
  IpAddr ip;
  for (size_t i = 0; i < n; ++i) {
    const char* charset = nullptr;
    if (i + 3 < n && ipv4_hint(line.data() + i)) {
      charset = "0123456789.";
    } else if (i + 4 < n && ipv6_hint(line.data() + i)) {
      charset = "0123456789abcdefABCDEF:.";
    } else {
      continue;
    }
    size_t len = span(line.substr(i), charset);
    if (parse_ip(line.substr(i, len), ip) && contains(ip)) return true;
    i += len;  // skip the token (and, like Loki, the byte after it)
  }
  return false;
}

}  // namespace logql::log
