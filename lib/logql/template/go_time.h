// Go's time layouts ("2006-01-02T15:04:05Z07:00"): formatting (time.Time.Format) and parsing
// (time.ParseInLocation), as sprig's date/toDate and Loki's toDateInZone use them.
// The server's local zone is taken to be UTC (what Loki's containers run with).
#pragma once

#include <string>
#include <string_view>

#include "logql/template/value.h"
#include "util/result.h"

namespace logql::tmpl {

std::string format_go_time(const GoTime& t, std::string_view layout);
void append_go_time(std::string& out, const GoTime& t, std::string_view layout);

// time.ParseInLocation(layout, value, zone): `zone` is "UTC", "Local" or an IANA name read from
// the system tz database; the result displays in that zone unless the value carries an offset.
util::Result<GoTime> parse_go_time(std::string_view layout, std::string_view value, std::string_view zone);

// True when `zone` names a zone we can load (time.LoadLocation succeeds).
bool go_zone_known(std::string_view zone);

// Converts `t` to display in `zone` (t.In(loc)); unknown zones leave it unchanged.
GoTime go_time_in_zone(const GoTime& t, std::string_view zone);

}  // namespace logql::tmpl
