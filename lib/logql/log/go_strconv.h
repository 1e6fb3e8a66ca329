// Go's number and duration parsing as Loki applies it to label values: strconv.ParseFloat
// (label filters, unwrap) and time.ParseDuration (duration filters, unwrap duration()). Error
// messages are Go's, since they end up verbatim in `__error_details__`.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/result.h"

namespace logql::log {

// strconv.ParseFloat(s, 64): decimal and hex floats, optional sign, "inf"/"infinity"/"nan",
// underscores only between digits (or right after the 0x prefix), as Go's underscoreOK.
util::Result<double> go_parse_float(std::string_view s);

// time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ with units ns, us, µs, μs, ms, s, m, h.
util::Result<int64_t> go_parse_duration(std::string_view s);

}  // namespace logql::log
