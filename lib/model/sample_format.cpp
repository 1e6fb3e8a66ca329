#include "model/sample_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "model/time.h"

namespace model {

std::string format_sample_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // to_chars in fixed notation without a precision is the shortest round-trip form, as Go's
  // strconv.FormatFloat(v, 'f', -1, 64).
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

std::string format_sample_time(int64_t ns) {
  // Floor to milliseconds (model.TimeFromUnixNano truncates toward zero; times are positive).
  int64_t ms = ns / model::kNanosPerMilli;
  std::string out = std::to_string(ms / 1000);
  int64_t frac = ms % 1000;
  if (frac < 0) frac = -frac;
  if (frac) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

}  // namespace model
