#include "golang/strconv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "golang/quote.h"
#include "util/strings.h"

namespace golang {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return util::hex_value(c) >= 0; }

util::Error float_error(std::string_view s, const char* what) {
  return util::Error{"strconv.ParseFloat: parsing " + quote(s) + ": " + what};
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

util::Result<double> parse_float(std::string_view s) {
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

}  // namespace golang
