#include "logql/log/go_strconv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "model/go_string.h"
#include "util/strings.h"

namespace logql::log {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return util::hex_value(c) >= 0; }

util::Error float_error(std::string_view s, const char* what) {
  return util::Error{"strconv.ParseFloat: parsing " + model::quote_go_string(s) + ": " + what};
}

// Go's underscoreOK: '_' only between digits, or between a base prefix and a digit.
bool underscores_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (std::tolower(static_cast<unsigned char>(s[1])) == 'x')) {
    i = 2;
    saw = '0';
    hex = true;
  }
  for (; i < s.size(); ++i) {
    if (hex ? is_hex(s[i]) : is_digit(s[i])) {
      saw = '0';
    } else if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

// Validates Go's float literal grammar (readFloat); fills `clean` with the text strtod should read.
bool valid_go_float(std::string_view s, std::string& clean) {
  size_t i = 0;
  clean.clear();
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
  bool hex = s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
  if (hex) {
    clean += "0x";
    i += 2;
  }
  bool digits = false, dot = false, underscores = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c == '.') {
      if (dot) return false;
      dot = true;
    } else if (hex ? is_hex(c) : is_digit(c)) {
      digits = true;
    } else {
      break;
    }
    clean += c;
  }
  if (!digits) return false;
  if (i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
    clean += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
    if (i >= s.size() || !is_digit(s[i])) return false;
    for (; i < s.size() && (is_digit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') {
        underscores = true;
        continue;
      }
      clean += s[i];
    }
  } else if (hex) {
    return false;  // hex mantissa requires a 'p' exponent
  }
  if (underscores && !underscores_ok(s.substr(0, i))) return false;
  return i == s.size();
}

}  // namespace

util::Result<double> go_parse_float(std::string_view s) {
  if (s.empty()) return float_error(s, "invalid syntax");
  {
    std::string_view t = s;
    double sign = 1;
    if (t[0] == '+' || t[0] == '-') {
      sign = t[0] == '-' ? -1 : 1;
      t.remove_prefix(1);
    }
    if (util::iequals(t, "inf") || util::iequals(t, "infinity")) return sign * std::numeric_limits<double>::infinity();
    if (t.size() == s.size() && util::iequals(t, "nan")) return std::numeric_limits<double>::quiet_NaN();
  }
  std::string clean;
  if (!valid_go_float(s, clean)) return float_error(s, "invalid syntax");
  errno = 0;
  double v = std::strtod(clean.c_str(), nullptr);
  if (errno == ERANGE && std::isinf(v)) return float_error(s, "value out of range");
  return v;
}

util::Result<int64_t> go_parse_duration(std::string_view orig) {
  auto invalid = [&] { return util::Error{"time: invalid duration " + model::quote_go_string(orig)}; };
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
    if (unit.empty()) return util::Error{"time: missing unit in duration " + model::quote_go_string(orig)};
    uint64_t mult;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1000;
    else if (unit == "ms") mult = 1000000;
    else if (unit == "s") mult = 1000000000ull;
    else if (unit == "m") mult = 60ull * 1000000000ull;
    else if (unit == "h") mult = 3600ull * 1000000000ull;
    else
      return util::Error{"time: unknown unit " + model::quote_go_string(unit) + " in duration " +
                         model::quote_go_string(orig)};
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

}  // namespace logql::log
