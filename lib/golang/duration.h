// Go's time.Duration text: time.ParseDuration (Loki's duration filters and unwrap duration(),
// whose error messages reach __error_details__ verbatim) and Duration.String ("1h0m0s", "250ms",
// "1.5s"), which Loki and Promtail print configuration and log durations with.
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace golang {

// [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ with units ns, us, µs, μs, ms, s, m, h; Go's error messages.
util::Result<int64_t> parse_duration(std::string_view s);

// Duration.String().
std::string format_duration(int64_t ns);

}  // namespace golang
