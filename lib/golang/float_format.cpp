#include "golang/float_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

namespace golang {

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

void append_float(std::string& out, double f, char fmt, int prec) {
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
      // The shortest digits, then zeros up to the point, as Go's fmtF: 12345678901234567890
      // prints as 12345678901234567000, not as the double's exact 12345678901234567168.
      if (a == 0) {
        out += '0';
        return;
      }
      std::string d;
      int dp;
      decimal_digits(a, -1, d, dp);
      const int n = static_cast<int>(d.size());
      if (dp <= 0) {
        out += "0.";
        out.append(static_cast<size_t>(-dp), '0');
        out += d;
      } else if (dp >= n) {
        out += d;
        out.append(static_cast<size_t>(dp - n), '0');
      } else {
        out.append(d, 0, static_cast<size_t>(dp));
        out += '.';
        out.append(d, static_cast<size_t>(dp), std::string::npos);
      }
      return;
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

}  // namespace golang
