#include "golang/duration.h"

#include "golang/quote.h"

namespace golang {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

util::Result<int64_t> parse_duration(std::string_view orig) {
  auto invalid = [&] { return util::Error{"time: invalid duration " + quote(orig)}; };
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  unsigned __int128 total = 0;
  const unsigned __int128 limit = static_cast<unsigned __int128>(1) << 63;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid();
    unsigned __int128 v = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
      if (v > limit) return invalid();
    }
    bool pre = i > 0;
    unsigned __int128 f = 0;
    double scale = 1;
    bool post = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t start = i;
      for (; i < s.size() && is_digit(s[i]); ++i) {
        if (f < (static_cast<unsigned __int128>(1) << 62)) {  // ignore digits beyond precision
          f = f * 10 + static_cast<unsigned>(s[i] - '0');
          scale *= 10;
        }
      }
      post = i > start;
    }
    if (!pre && !post) return invalid();
    size_t u = i;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
    std::string_view unit = s.substr(i, u - i);
    if (unit.empty()) return util::Error{"time: missing unit in duration " + quote(orig)};
    uint64_t mult;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1000;
    else if (unit == "ms") mult = 1000000;
    else if (unit == "s") mult = 1000000000ull;
    else if (unit == "m") mult = 60ull * 1000000000ull;
    else if (unit == "h") mult = 3600ull * 1000000000ull;
    else
      return util::Error{"time: unknown unit " + quote(unit) + " in duration " +
                         quote(orig)};
    if (v > limit / mult) return invalid();
    v *= mult;
    if (f > 0) {
      v += static_cast<unsigned __int128>(static_cast<double>(f) * (static_cast<double>(mult) / scale));
      if (v > limit) return invalid();
    }
    total += v;
    if (total > limit) return invalid();
    s.remove_prefix(u);
  }
  if (neg) return -static_cast<int64_t>(total - 1) - 1;
  if (total > limit - 1) return invalid();
  return static_cast<int64_t>(total);
}

std::string format_duration(int64_t d) {
  if (d == 0) return "0s";
  std::string sign = d < 0 ? "-" : "";
  uint64_t u = d < 0 ? static_cast<uint64_t>(-(d + 1)) + 1 : static_cast<uint64_t>(d);
  // Prints v / 10^prec with trailing fractional zeros dropped.
  auto fmt_frac = [](uint64_t v, int prec) {
    uint64_t p = 1;
    for (int k = 0; k < prec; ++k) p *= 10;
    std::string out = std::to_string(v / p);
    uint64_t frac = v % p;
    if (frac) {
      std::string f = std::to_string(frac);
      f = std::string(static_cast<size_t>(prec) - f.size(), '0') + f;
      while (f.back() == '0') f.pop_back();
      out += "." + f;
    }
    return out;
  };
  if (u < 1000) return sign + std::to_string(u) + "ns";
  if (u < 1000000) return sign + fmt_frac(u, 3) + "\xC2\xB5s";
  if (u < 1000000000) return sign + fmt_frac(u, 6) + "ms";
  uint64_t h = u / 3600000000000ull;
  u -= h * 3600000000000ull;
  uint64_t m = u / 60000000000ull;
  u -= m * 60000000000ull;
  std::string out = sign;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  out += fmt_frac(u, 9) + "s";
  return out;
}

}  // namespace golang
