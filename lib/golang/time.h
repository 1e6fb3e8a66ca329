// Go's time layouts ("2006-01-02T15:04:05Z07:00"): formatting (time.Time.Format) and parsing
// (time.ParseInLocation), as sprig's date/toDate and Loki's toDateInZone use them.
// The server's local zone is taken to be UTC (what Loki's containers run with).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace golang {

// A Go time.Time: seconds/nanoseconds since the Unix epoch, plus the zone it displays in.
// Seconds are kept apart because Go's zero time (year 1) does not fit in int64 nanoseconds.
struct Time {
  int64_t sec = 0;
  int32_t nsec = 0;
  int32_t offset = 0;        // seconds east of UTC
  std::string zone = "UTC";  // abbreviation printed by String() and the MST layout element

  static Time from_unix_nanos(int64_t ns);
  static Time zero();  // Go's time.Time{}: January 1, year 1, 00:00:00 UTC
  bool is_zero() const;
};

// time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST".
std::string time_string(const Time& t);

// time.Time.Format(layout).
std::string format_time(const Time& t, std::string_view layout);
void append_time(std::string& out, const Time& t, std::string_view layout);

// time.ParseInLocation(layout, value, zone): `zone` is "UTC", "Local" or an IANA name read from
// the system tz database; the result displays in that zone unless the value carries an offset.
util::Result<Time> parse_time(std::string_view layout, std::string_view value, std::string_view zone);

// True when `zone` names a zone we can load (time.LoadLocation succeeds).
bool zone_known(std::string_view zone);

// Converts `t` to display in `zone` (t.In(loc)); unknown zones leave it unchanged.
Time time_in_zone(const Time& t, std::string_view zone);

}  // namespace golang
