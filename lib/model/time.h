// Time, duration and byte-size syntax as Loki accepts and prints it. All times are int64
// nanoseconds since the Unix epoch; all durations int64 nanoseconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace model {

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
constexpr int64_t kNanosPerHour = 60 * kNanosPerMinute;
constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;

// A query-time parameter as Loki's HTTP API reads it: RFC3339/RFC3339Nano, unix seconds with an
// optional fraction ("1700000000.5"), or an integer with more than 10 digits as unix nanoseconds
// (10 digits or fewer are seconds).
util::Result<int64_t> parse_time(std::string_view text);

// RFC3339 with optional fractional seconds and a `Z` or `±hh:mm` offset.
util::Result<int64_t> parse_rfc3339(std::string_view text);

// Go's RFC3339Nano layout in UTC: trailing zeros of the fraction trimmed, `Z` suffix.
std::string format_rfc3339nano(int64_t ns);
// Go's time.Format(time.RFC3339) in UTC: whole seconds (the fraction dropped, not rounded), as
// Loki prints timestamps in its messages. Valid over all of int64 (1677 to 2262).
std::string format_rfc3339(int64_t ns);
// The same, at a fixed offset east of UTC in seconds (prints `+hh:mm`, or `Z` for 0).
std::string format_rfc3339nano(int64_t ns, int offset_seconds);

// Durations: a sequence of <number><unit> with units ns, us, µs, ms, s, m, h, d, w, y (d = 24h,
// w = 7d, y = 365d), fractions allowed ("1.5h"), an optional leading sign. Accepts both Go's
// time.ParseDuration and Prometheus' model.ParseDuration forms.
util::Result<int64_t> parse_duration(std::string_view text);
// Prometheus' model.Duration form used for ranges and steps: "5m", "1h30m", "1d", "1w", "250ms".
std::string format_duration_prometheus(int64_t ns);


// go-humanize ParseBytes: "20KB" (SI, 1000), "1.5MiB" (IEC, 1024), "42", "3 GB"; case-insensitive.
util::Result<uint64_t> parse_bytes(std::string_view text);
// go-humanize Bytes without the space: "20kB", "1.5MB", "42B".
std::string format_bytes(uint64_t n);

}  // namespace model
