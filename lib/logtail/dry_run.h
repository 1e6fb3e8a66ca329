// -dry-run output: instead of pushing, each processed entry is printed as Promtail's logger
// client prints it, one per line:
//   <timestamp>\t<labels>\t<line>
// with the timestamp in local time as Go's "2006-01-02T15:04:05.999999999-0700" (fraction
// trimmed of trailing zeros, dropped when zero) and labels as `{a="b", c="d"}`.
// Thread-safe: the formatting is a pure function (it reads the local time zone).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/labels.h"

namespace logtail {

// Go's layout "2006-01-02T15:04:05.999999999-0700" at `offset_seconds` east of UTC.
std::string format_dry_run_time(int64_t ns, int offset_seconds);
// The local time zone's offset at `ns` (seconds east of UTC).
int local_utc_offset(int64_t ns);

// One line of dry-run output, newline included.
std::string format_dry_run_entry(int64_t ns, const model::LabelSet& labels, std::string_view line);

}  // namespace logtail
