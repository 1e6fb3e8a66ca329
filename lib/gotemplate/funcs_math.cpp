// Math functions from sprig: int/float64 conversions, integer arithmetic (add sub mul div mod
// max min) and float arithmetic (addf subf mulf divf maxf minf ceil floor round). Arguments are
// interface{} converted with cast's rules, so label strings like "200" work and junk reads as 0.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "gotemplate/functions.h"

namespace gotemplate {

namespace {

using Args = std::vector<Value>;
using R = util::Result<Value>;

Value i64(int64_t v) { return Value::integer(v, Value::IntType::kInt64); }

R fn_int(Args& a, const Context&) { return Value::integer(to_int64(a[0])); }
R fn_float64(Args& a, const Context&) { return Value::floating(to_float64(a[0])); }

// Go integer arithmetic wraps around; do it in unsigned to avoid C++ overflow UB.
int64_t wrap_add(int64_t x, int64_t y) { return static_cast<int64_t>(static_cast<uint64_t>(x) + static_cast<uint64_t>(y)); }
int64_t wrap_mul(int64_t x, int64_t y) { return static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y)); }

R fn_add(Args& a, const Context&) {
  int64_t s = 0;
  for (const Value& v : a) s = wrap_add(s, to_int64(v));
  return i64(s);
}
R fn_sub(Args& a, const Context&) { return i64(wrap_add(to_int64(a[0]), -static_cast<uint64_t>(to_int64(a[1])))); }
R fn_mul(Args& a, const Context&) {
  int64_t p = to_int64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) p = wrap_mul(p, to_int64(a[i]));
  return i64(p);
}
R fn_div(Args& a, const Context&) {
  int64_t x = to_int64(a[0]), y = to_int64(a[1]);
  if (y == 0) return util::Error{"runtime error: integer divide by zero"};
  if (x == INT64_MIN && y == -1) return i64(x);
  return i64(x / y);
}
R fn_mod(Args& a, const Context&) {
  int64_t x = to_int64(a[0]), y = to_int64(a[1]);
  if (y == 0) return util::Error{"runtime error: integer divide by zero"};
  if (y == -1) return i64(0);
  return i64(x % y);
}
R fn_max(Args& a, const Context&) {
  int64_t m = to_int64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) m = std::max(m, to_int64(a[i]));
  return i64(m);
}
R fn_min(Args& a, const Context&) {
  int64_t m = to_int64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) m = std::min(m, to_int64(a[i]));
  return i64(m);
}

// sprig does float arithmetic with shopspring/decimal on each operand's shortest decimal form
// (so addf 0.1 0.2 is 0.3, not 0.30000000000000004). Long double on those decimal forms gives
// the same rounded float64 for realistic operands.
long double as_decimal(double f) {
  if (!std::isfinite(f)) return f;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf - 1, f);
  *r.ptr = '\0';
  return std::strtold(buf, nullptr);
}

enum class Op { kAdd, kSub, kMul, kDiv };

R decimal_op(const Value& first, const Value* rest, size_t n, Op op) {
  long double acc = as_decimal(to_float64(first));
  for (size_t i = 0; i < n; ++i) {
    long double x = as_decimal(to_float64(rest[i]));
    switch (op) {
      case Op::kAdd: acc += x; break;
      case Op::kSub: acc -= x; break;
      case Op::kMul: acc *= x; break;
      case Op::kDiv:
        if (x == 0) return util::Error{"decimal division by 0"};
        // decimal.Div rounds the quotient to 16 fractional digits.
        acc = std::round(acc / x * 1e16L) / 1e16L;
        break;
    }
  }
  return Value::floating(static_cast<double>(acc));
}

R fn_addf(Args& a, const Context&) {
  Value zero = Value::floating(0);
  return decimal_op(zero, a.data(), a.size(), Op::kAdd);
}
R fn_subf(Args& a, const Context&) { return decimal_op(a[0], a.data() + 1, a.size() - 1, Op::kSub); }
R fn_mulf(Args& a, const Context&) { return decimal_op(a[0], a.data() + 1, a.size() - 1, Op::kMul); }
R fn_divf(Args& a, const Context&) { return decimal_op(a[0], a.data() + 1, a.size() - 1, Op::kDiv); }

// math.Max / math.Min: NaN wins, and +0 beats -0 for Max.
double go_max(double x, double y) {
  if (std::isinf(x) && x > 0) return x;
  if (std::isinf(y) && y > 0) return y;
  if (std::isnan(x) || std::isnan(y)) return NAN;
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}
double go_min(double x, double y) {
  if (std::isinf(x) && x < 0) return x;
  if (std::isinf(y) && y < 0) return y;
  if (std::isnan(x) || std::isnan(y)) return NAN;
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

R fn_maxf(Args& a, const Context&) {
  double m = to_float64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) m = go_max(m, to_float64(a[i]));
  return Value::floating(m);
}
R fn_minf(Args& a, const Context&) {
  double m = to_float64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) m = go_min(m, to_float64(a[i]));
  return Value::floating(m);
}
R fn_ceil(Args& a, const Context&) { return Value::floating(std::ceil(to_float64(a[0]))); }
R fn_floor(Args& a, const Context&) { return Value::floating(std::floor(to_float64(a[0]))); }

// sprig's round(a, places, roundOn=.5): rounds up when the fraction at `places` is >= roundOn.
R fn_round(Args& a, const Context&) {
  double round_on = a.size() > 2 ? a[2].as_float() : 0.5;
  double val = to_float64(a[0]);
  double pow = std::pow(10.0, static_cast<double>(a[1].as_int()));
  double digit = pow * val;
  double intpart;
  double frac = std::modf(digit, &intpart);
  double r = frac >= round_on ? std::ceil(digit) : std::floor(digit);
  return Value::floating(r / pow);
}

}  // namespace

void register_math_functions(FuncTable& t) {
  using P = Param;
  t["int"] = {{P::kAny}, false, fn_int};
  t["float64"] = {{P::kAny}, false, fn_float64};
  t["add"] = {{P::kAny}, true, fn_add};
  t["sub"] = {{P::kAny, P::kAny}, false, fn_sub};
  t["mul"] = {{P::kAny, P::kAny}, true, fn_mul};
  t["div"] = {{P::kAny, P::kAny}, false, fn_div};
  t["mod"] = {{P::kAny, P::kAny}, false, fn_mod};
  t["max"] = {{P::kAny, P::kAny}, true, fn_max};
  t["min"] = {{P::kAny, P::kAny}, true, fn_min};
  t["addf"] = {{P::kAny}, true, fn_addf};
  t["subf"] = {{P::kAny, P::kAny}, true, fn_subf};
  t["mulf"] = {{P::kAny, P::kAny}, true, fn_mulf};
  t["divf"] = {{P::kAny, P::kAny}, true, fn_divf};
  t["maxf"] = {{P::kAny, P::kAny}, true, fn_maxf};
  t["minf"] = {{P::kAny, P::kAny}, true, fn_minf};
  t["ceil"] = {{P::kAny}, false, fn_ceil};
  t["floor"] = {{P::kAny}, false, fn_floor};
  t["round"] = {{P::kAny, P::kInt, P::kFloat64}, true, fn_round};
}

}  // namespace gotemplate
