#include "logql/template/value.h"

#include <charconv>
#include <cmath>

#include "logql/template/go_time.h"
#include "logql/template/template.h"
#include "model/time.h"

namespace logql::tmpl {

GoTime GoTime::from_unix_nanos(int64_t ns) {
  GoTime t;
  t.sec = ns / model::kNanosPerSecond;
  int64_t frac = ns % model::kNanosPerSecond;
  if (frac < 0) {
    frac += model::kNanosPerSecond;
    t.sec -= 1;
  }
  t.nsec = static_cast<int32_t>(frac);
  return t;
}

// Seconds from 0001-01-01 to 1970-01-01.
constexpr int64_t kZeroTimeUnix = -62135596800LL;

GoTime GoTime::zero() {
  GoTime t;
  t.sec = kZeroTimeUnix;
  return t;
}

bool GoTime::is_zero() const { return sec == kZeroTimeUnix && nsec == 0; }

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.b_ = b;
  return v;
}

Value Value::integer(int64_t i, IntType t) {
  Value v;
  v.kind_ = Kind::kInt;
  v.i_ = i;
  v.itype_ = t;
  return v;
}

Value Value::floating(double f) {
  Value v;
  v.kind_ = Kind::kFloat;
  v.f_ = f;
  return v;
}

Value Value::string_view(std::string_view s) {
  Value v;
  v.kind_ = Kind::kString;
  v.view_ = true;
  v.ext_ = s;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.str_ = std::move(s);
  return v;
}

Value Value::time(GoTime t) {
  Value v;
  v.kind_ = Kind::kTime;
  v.obj_ = std::make_shared<const GoTime>(std::move(t));
  return v;
}

Value Value::list(ValueList items) {
  Value v;
  v.kind_ = Kind::kList;
  v.obj_ = std::make_shared<const ValueList>(std::move(items));
  return v;
}

Value Value::map(ValueMap items) {
  Value v;
  v.kind_ = Kind::kMap;
  v.obj_ = std::make_shared<const ValueMap>(std::move(items));
  return v;
}

Value Value::labels(const Context* ctx) {
  Value v;
  v.kind_ = Kind::kLabels;
  v.ctx_ = ctx;
  return v;
}

std::string Value::type_name() const {
  switch (kind_) {
    case Kind::kNil: return "<nil>";
    case Kind::kBool: return "bool";
    case Kind::kInt:
      switch (itype_) {
        case IntType::kInt: return "int";
        case IntType::kInt64: return "int64";
        case IntType::kInt32: return "int32";
        case IntType::kUint8: return "uint8";
      }
      return "int";
    case Kind::kFloat: return "float64";
    case Kind::kString: return "string";
    case Kind::kTime: return "time.Time";
    case Kind::kList: return "[]interface {}";
    case Kind::kMap: return "map[string]interface {}";
    case Kind::kLabels: return "map[string]string";
  }
  return "?";
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::kNil: return false;
    case Kind::kBool: return b_;
    case Kind::kInt: return i_ != 0;
    case Kind::kFloat: return f_ != 0;
    case Kind::kString: return !as_string().empty();
    case Kind::kTime: return true;  // structs are always true
    case Kind::kList: return !as_list().empty();
    case Kind::kMap: return !as_map().empty();
    case Kind::kLabels: {
      bool any = false;
      ctx_->for_each_label([&](std::string_view, std::string_view) { any = true; });
      return any;
    }
  }
  return false;
}

namespace {

// Shortest (prec < 0) or `prec` significant digits of |f|, trailing zeros dropped, with the
// decimal point position: |f| = 0.DIGITS x 10^dp.
void decimal_digits(double f, int prec, std::string& digits, int& dp) {
  char buf[64];
  std::to_chars_result r = prec < 0 ? std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific)
                                    : std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific,
                                                    prec == 0 ? 0 : prec - 1);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  size_t e = s.find('e');
  digits.clear();
  for (char c : s.substr(0, e))
    if (c != '.') digits += c;
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  dp = exp + 1;
}

void append_exp(std::string& out, int exp, char e) {
  out += e;
  out += exp < 0 ? '-' : '+';
  int a = exp < 0 ? -exp : exp;
  if (a < 10) out += '0';
  out += std::to_string(a);
}

}  // namespace

void append_go_float(std::string& out, double f, char fmt, int prec) {
  if (std::isnan(f)) {
    out += "NaN";
    return;
  }
  if (std::isinf(f)) {
    out += f < 0 ? "-Inf" : "+Inf";
    return;
  }
  if (std::signbit(f)) out += '-';
  double a = std::fabs(f);
  char buf[512];
  if (fmt == 'f' || fmt == 'F') {
    if (prec < 0) {
      std::string d;
      int dp;
      decimal_digits(a, -1, d, dp);
      prec = a == 0 ? 0 : std::max(static_cast<int>(d.size()) - dp, 0);
    }
    auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::fixed, prec);
    out.append(buf, r.ptr);
    return;
  }
  if (fmt == 'e' || fmt == 'E') {
    if (prec < 0) {
      std::string d;
      int dp;
      decimal_digits(a, -1, d, dp);
      prec = static_cast<int>(d.size()) - 1;
    }
    auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific, prec);
    std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
    size_t e = s.find('e');
    out.append(s.substr(0, e));
    int exp = 0;
    std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
    append_exp(out, exp, fmt);
    return;
  }
  // 'g' / 'G'
  if (a == 0) {
    out += '0';
    return;
  }
  bool shortest = prec < 0;
  std::string d;
  int dp;
  decimal_digits(a, prec, d, dp);
  int nd = static_cast<int>(d.size());
  int eprec = shortest ? 6 : (prec == 0 ? 1 : prec);
  if (!shortest && eprec > nd && nd >= dp) eprec = nd;
  int exp = dp - 1;
  if (exp < -4 || exp >= eprec) {
    out += d[0];
    if (nd > 1) {
      out += '.';
      out.append(d, 1);
    }
    append_exp(out, exp, fmt == 'G' ? 'E' : 'e');
    return;
  }
  if (dp <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-dp), '0');
    out += d;
  } else if (dp >= nd) {
    out += d;
    out.append(static_cast<size_t>(dp - nd), '0');
  } else {
    out.append(d, 0, static_cast<size_t>(dp));
    out += '.';
    out.append(d, static_cast<size_t>(dp));
  }
}

std::string go_time_string(const GoTime& t) { return format_go_time(t, "2006-01-02 15:04:05.999999999 -0700 MST"); }

void append_go_value(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNil: out += "<nil>"; return;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      return;
    }
    case Value::Kind::kFloat: append_go_float(out, v.as_float(), 'g', -1); return;
    case Value::Kind::kString: out += v.as_string(); return;
    case Value::Kind::kTime: out += go_time_string(v.as_time()); return;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out += ' ';
        first = false;
        append_go_value(out, item);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      out += "map[";
      bool first = true;
      for (const auto& [k, item] : v.as_map()) {
        if (!first) out += ' ';
        first = false;
        out += k;
        out += ':';
        append_go_value(out, item);
      }
      out += ']';
      return;
    }
    case Value::Kind::kLabels: {
      out += "map[";
      bool first = true;
      v.as_labels()->for_each_label([&](std::string_view name, std::string_view value) {
        if (!first) out += ' ';
        first = false;
        out += name;
        out += ':';
        out += value;
      });
      out += ']';
      return;
    }
  }
}

std::string go_value_string(const Value& v) {
  std::string s;
  append_go_value(s, v);
  return s;
}

}  // namespace logql::tmpl
