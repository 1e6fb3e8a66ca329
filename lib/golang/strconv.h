// Go's strconv.ParseFloat, as Loki applies it to label values (label filters, unwrap). Error
// messages are Go's, since they end up verbatim in `__error_details__`.
// Thread-safe: pure functions.
#pragma once

#include <string_view>

#include "util/result.h"

namespace golang {

// strconv.ParseFloat(s, 64): decimal and hex floats, optional sign, "inf"/"infinity"/"nan",
// underscores only between digits (or right after the 0x prefix), as Go's underscoreOK.
util::Result<double> parse_float(std::string_view s);

}  // namespace golang
