// How Prometheus and Loki write metric samples in JSON: a value as Go's
// strconv.FormatFloat(v, 'f', -1, 64) ("0.25", "1000000000000000000000", "NaN", "+Inf"), and a
// time as model.Time in seconds with millisecond precision ("1704164645.5").
#pragma once

#include <cstdint>
#include <string>

namespace model {

std::string format_sample_value(double v);
std::string format_sample_time(int64_t ns);

}  // namespace model
