#include "model/time.h"

#include "golang/duration.h"
#include "util/civil_date.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace model {

// Howard Hinnant's algorithms.
namespace {

bool read_digits(std::string_view s, size_t& i, size_t n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  i += n;
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

util::Result<int64_t> parse_rfc3339(std::string_view s) {
  auto bad = [&] { return util::Error{"cannot parse \"" + std::string(s) + "\" as an RFC3339 timestamp"}; };
  size_t i = 0;
  int year, mon, day, hh, mm, ss;
  if (!read_digits(s, i, 4, year) || i >= s.size() || s[i++] != '-') return bad();
  if (!read_digits(s, i, 2, mon) || i >= s.size() || s[i++] != '-') return bad();
  if (!read_digits(s, i, 2, day) || i >= s.size() || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) return bad();
  ++i;
  if (!read_digits(s, i, 2, hh) || i >= s.size() || s[i++] != ':') return bad();
  if (!read_digits(s, i, 2, mm) || i >= s.size() || s[i++] != ':') return bad();
  if (!read_digits(s, i, 2, ss)) return bad();
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return bad();
  int64_t frac = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) frac = frac * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return bad();
    for (size_t k = digits; k < 9; ++k) frac *= 10;
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh, om;
    if (!read_digits(s, i, 2, oh) || i >= s.size() || s[i++] != ':' || !read_digits(s, i, 2, om)) return bad();
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return bad();
  }
  if (i != s.size()) return bad();
  int64_t days = util::days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hh * 3600 + mm * 60 + ss - offset;
  return secs * kNanosPerSecond + frac;
}

util::Result<int64_t> parse_time(std::string_view s) {
  if (s.empty()) return util::Error{"empty timestamp"};
  if (s.find('.') != std::string_view::npos && s.find_first_of("T:") == std::string_view::npos &&
      s.find('-', 1) == std::string_view::npos) {
    // Unix seconds with a fraction: split to keep nanosecond precision (a double would lose it).
    size_t dot = s.find('.');
    std::string_view whole = s.substr(0, dot), frac = s.substr(dot + 1);
    bool neg = !whole.empty() && whole[0] == '-';
    if (neg) whole.remove_prefix(1);
    if ((!whole.empty() && !all_digits(whole)) || (!frac.empty() && !all_digits(frac)) || (whole.empty() && frac.empty()))
      return util::Error{"cannot parse \"" + std::string(s) + "\" to a valid timestamp"};
    int64_t secs = 0, nanos = 0;
    auto ec = std::from_chars(whole.data(), whole.data() + whole.size(), secs).ec;
    for (size_t k = 0; k < 9; ++k) nanos = nanos * 10 + (k < frac.size() ? frac[k] - '0' : 0);
    __int128 v = static_cast<__int128>(secs) * kNanosPerSecond + nanos;
    if (neg) v = -v;
    if (ec != std::errc() || v > INT64_MAX || v < INT64_MIN) {
      return util::Error{"timestamp \"" + std::string(s) + "\" out of range"};
    }
    return static_cast<int64_t>(v);
  }
  std::string_view digits = s;
  bool neg = !digits.empty() && digits[0] == '-';
  if (neg) digits.remove_prefix(1);
  if (all_digits(digits)) {
    // Signed as a whole (Go's ParseInt): -9223372036854775808 is a valid int64.
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc()) return util::Error{"timestamp \"" + std::string(s) + "\" out of range"};
    if (digits.size() <= 10) return v * kNanosPerSecond;
    return v;
  }
  auto r = parse_rfc3339(s);
  if (!r) return util::Error{"cannot parse \"" + std::string(s) + "\" to a valid timestamp"};
  return r;
}

std::string format_rfc3339nano(int64_t ns) { return format_rfc3339nano(ns, 0); }

std::string format_rfc3339(int64_t ns) {
  std::string s = format_rfc3339nano(ns, 0);
  if (size_t dot = s.find('.'); dot != std::string::npos) s.erase(dot, s.size() - 1 - dot);
  return s;
}

std::string format_rfc3339nano(int64_t ns, int offset_seconds) {
  int64_t secs = ns / kNanosPerSecond;
  int64_t frac = ns % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    secs -= 1;
  }
  secs += offset_seconds;
  int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  util::civil_from_days(days, y, m, d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(y), m, d,
                        static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (frac) {
    char fb[16];
    std::snprintf(fb, sizeof fb, ".%09lld", static_cast<long long>(frac));
    std::string f(fb);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  if (offset_seconds == 0) {
    out += 'Z';
  } else {
    int off = offset_seconds < 0 ? -offset_seconds : offset_seconds;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_seconds < 0 ? '-' : '+', off / 3600, off / 60 % 60);
    out += buf;
  }
  return out;
}

util::Result<int64_t> parse_duration(std::string_view text) {
  auto bad = [&] { return util::Error{"not a valid duration string: \"" + std::string(text) + "\""}; };
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return bad();
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return bad();
    std::string num(s.substr(0, i));
    if (num == "." || std::count(num.begin(), num.end(), '.') > 1) return bad();
    long double v = std::strtold(num.c_str(), nullptr);
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !((s[u] >= '0' && s[u] <= '9') || s[u] == '.')) ++u;
    std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    long double mult;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1e3;
    else if (unit == "ms") mult = 1e6;
    else if (unit == "s") mult = 1e9;
    else if (unit == "m") mult = 60e9;
    else if (unit == "h") mult = 3600e9;
    else if (unit == "d") mult = 86400e9;
    else if (unit == "w") mult = 7 * 86400e9;
    else if (unit == "y") mult = 365 * 86400e9;
    else return bad();
    total += v * mult;
  }
  if (total > 9.2e18L) return util::Error{"duration out of range: \"" + std::string(text) + "\""};
  int64_t ns = static_cast<int64_t>(std::llround(total));
  return neg ? -ns : ns;
}

std::string format_duration_prometheus(int64_t ns) {
  if (ns < 0) return "-" + format_duration_prometheus(-ns);
  if (ns % kNanosPerMilli != 0) return golang::format_duration(ns);  // below Prometheus' resolution
  int64_t ms = ns / kNanosPerMilli;
  if (ms == 0) return "0s";
  std::string r;
  auto unit = [&](const char* name, int64_t mult, bool exact) {
    if (exact && ms % mult != 0) return;
    if (int64_t v = ms / mult; v > 0) {
      r += std::to_string(v) + name;
      ms -= v * mult;
    }
  };
  // Years and weeks only when exact: 90d reads better than 12w6d.
  unit("y", 1000LL * 60 * 60 * 24 * 365, true);
  unit("w", 1000LL * 60 * 60 * 24 * 7, true);
  unit("d", 1000LL * 60 * 60 * 24, false);
  unit("h", 1000LL * 60 * 60, false);
  unit("m", 1000LL * 60, false);
  unit("s", 1000, false);
  unit("ms", 1, false);
  return r;
}

util::Result<uint64_t> parse_bytes(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  size_t i = 0;
  std::string num;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || c == '.') num += c;
    else if (c != ',') break;
  }
  if (num.empty() || std::count(num.begin(), num.end(), '.') > 1) return util::Error{"invalid bytes value: \"" + std::string(text) + "\""};
  std::string unit;
  for (char c : s.substr(i))
    if (c != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const struct { const char* name; long double mult; } kUnits[] = {
      {"", 1},          {"b", 1},          {"k", 1e3},        {"kb", 1e3},       {"ki", 1024.0L},
      {"kib", 1024.0L}, {"m", 1e6},        {"mb", 1e6},       {"mi", 1048576.0L}, {"mib", 1048576.0L},
      {"g", 1e9},       {"gb", 1e9},       {"gi", 1073741824.0L}, {"gib", 1073741824.0L},
      {"t", 1e12},      {"tb", 1e12},      {"ti", 1099511627776.0L}, {"tib", 1099511627776.0L},
      {"p", 1e15},      {"pb", 1e15},      {"pi", 1125899906842624.0L}, {"pib", 1125899906842624.0L},
      {"e", 1e18},      {"eb", 1e18},      {"ei", 1152921504606846976.0L}, {"eib", 1152921504606846976.0L},
  };
  for (const auto& u : kUnits) {
    if (unit == u.name) {
      long double v = std::strtold(num.c_str(), nullptr) * u.mult;
      if (v >= 18446744073709551615.0L) return util::Error{"bytes value too large: \"" + std::string(text) + "\""};
      return static_cast<uint64_t>(v);
    }
  }
  return util::Error{"unhandled size name: " + unit};
}

std::string format_bytes(uint64_t n) {
  static const char* kSizes[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  if (n < 10) return std::to_string(n) + "B";
  double e = std::floor(std::log(static_cast<double>(n)) / std::log(1000.0));
  double val = std::floor(static_cast<double>(n) / std::pow(1000.0, e) * 10 + 0.5) / 10;
  char buf[32];
  std::snprintf(buf, sizeof buf, val < 10 ? "%.1f%s" : "%.0f%s", val, kSizes[static_cast<int>(e)]);
  return buf;
}

}  // namespace model
