// Go's strconv.FormatFloat for float64, which Go templates, Prometheus' text exposition format
// and Promtail's metrics all print with: 'f', 'e' and 'g' formats, `prec` < 0 for the shortest
// form that reads back exactly ("120", "0.25", "1e+06"), NaN and +Inf/-Inf as Go spells them.
#pragma once

#include <string>

namespace golang {

void append_float(std::string& out, double f, char fmt, int prec);

inline std::string format_float(double f, char fmt = 'g', int prec = -1) {
  std::string out;
  append_float(out, f, fmt, prec);
  return out;
}

}  // namespace golang
