#include "logql/template/functions.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace logql::tmpl {

const FuncTable& function_table(FunctionSet set) {
  static const FuncTable kLoki = [] {
    FuncTable t;
    register_builtin_functions(t);
    register_string_functions(t);
    register_math_functions(t);
    register_time_functions(t);
    register_encoding_functions(t);
    return t;
  }();
  static const FuncTable kPromtail = [] {
    FuncTable t = kLoki;
    register_promtail_functions(t);
    return t;
  }();
  // Prometheus's template functions are text/template's builtins plus its own (no sprig).
  static const FuncTable kPrometheus = [] {
    FuncTable t;
    register_builtin_functions(t);
    register_prometheus_functions(t);
    return t;
  }();
  if (set == FunctionSet::kPrometheus) return kPrometheus;
  return set == FunctionSet::kPromtail ? kPromtail : kLoki;
}

const FuncSpec* find_function(std::string_view name, FunctionSet set) {
  const FuncTable& t = function_table(set);
  auto it = t.find(name);
  return it == t.end() ? nullptr : &it->second;
}

namespace {

// cast's trimZeroDecimal: "12.000" -> "12", anything else unchanged.
std::string_view trim_zero_decimal(std::string_view s) {
  bool found_zero = false;
  for (size_t i = s.size(); i > 0; --i) {
    char c = s[i - 1];
    if (c == '.') {
      if (found_zero) return s.substr(0, i - 1);
      return s;
    }
    if (c != '0') return s;
    found_zero = true;
  }
  return s;
}

// strconv.ParseInt(s, 0, 64).
bool parse_int_base0(std::string_view s, int64_t& out) {
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int base = 10;
  bool underscores_ok = false;
  if (s.size() - i > 1 && s[i] == '0') {
    char p = static_cast<char>(s[i + 1] | 0x20);
    underscores_ok = true;
    if (p == 'x') base = 16, i += 2;
    else if (p == 'o') base = 8, i += 2;
    else if (p == 'b') base = 2, i += 2;
    else base = 8, i += 1;
  }
  if (i >= s.size()) return false;
  unsigned __int128 v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_' && underscores_ok) continue;
    int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
    if (d >= base) return false;
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (v > static_cast<unsigned __int128>(INT64_MAX) + 1) return false;
  }
  if (!neg && v > static_cast<unsigned __int128>(INT64_MAX)) return false;
  out = neg ? static_cast<int64_t>(-static_cast<__int128>(v)) : static_cast<int64_t>(v);
  return true;
}

// strconv.ParseFloat(s, 64); false on syntax or range errors.
bool parse_float(std::string_view s, double& out) {
  if (s.empty() || s.front() == ' ' || s.front() == '\t' || s.front() == '\n') return false;
  std::string str(s);
  if (str.find('_') != std::string::npos) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(str.c_str(), &end);
  if (end != str.c_str() + str.size()) return false;
  if (errno == ERANGE && std::isinf(v)) return false;
  // strtod accepts hex without an exponent and "infinity"/"nan" forms Go also accepts.
  out = v;
  return true;
}

int64_t float_to_int(double f) {
  if (std::isnan(f)) return INT64_MIN;
  if (f >= 9.2233720368547758e18 || f < -9.2233720368547758e18) return INT64_MIN;
  return static_cast<int64_t>(f);
}

}  // namespace

int64_t to_int64(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt: return v.as_int();
    case Value::Kind::kFloat: return float_to_int(v.as_float());
    case Value::Kind::kBool: return v.as_bool() ? 1 : 0;
    case Value::Kind::kString: {
      int64_t r;
      return parse_int_base0(trim_zero_decimal(v.as_string()), r) ? r : 0;
    }
    default: return 0;
  }
}

double to_float64(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt: return static_cast<double>(v.as_int());
    case Value::Kind::kFloat: return v.as_float();
    case Value::Kind::kBool: return v.as_bool() ? 1 : 0;
    case Value::Kind::kString: {
      double r;
      return parse_float(v.as_string(), r) ? r : 0;
    }
    default: return 0;
  }
}

}  // namespace logql::tmpl
