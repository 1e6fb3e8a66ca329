// Dry-run output format (see dry_run.h).
#include "logtail/dry_run.h"

#include <time.h>

#include <cstdio>

#include "model/time.h"
#include "util/civil_date.h"

namespace logtail {

std::string format_dry_run_time(int64_t ns, int offset_seconds) {
  int64_t local = ns + int64_t{offset_seconds} * model::kNanosPerSecond;
  int64_t secs = local >= 0 ? local / model::kNanosPerSecond : (local - model::kNanosPerSecond + 1) / model::kNanosPerSecond;
  int64_t frac = local - secs * model::kNanosPerSecond;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t sod = secs - days * 86400;
  int64_t year = 0;
  unsigned month = 0, day = 0;
  util::civil_from_days(days, year, month, day);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(year), month, day,
                        static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                        static_cast<long long>(sod % 60));
  std::string out(buf, n);
  if (frac != 0) {
    char f[24];
    std::snprintf(f, sizeof f, "%09lld", static_cast<long long>(frac));
    std::string digits(f);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += '.';
    out += digits;
  }
  int off = offset_seconds;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  std::snprintf(buf, sizeof buf, "%c%02d%02d", sign, off / 3600, off / 60 % 60);
  out += buf;
  return out;
}

int local_utc_offset(int64_t ns) {
  time_t t = static_cast<time_t>(ns / model::kNanosPerSecond);
  struct tm tm {};
  if (!::localtime_r(&t, &tm)) return 0;
  return static_cast<int>(tm.tm_gmtoff);
}

std::string format_dry_run_entry(int64_t ns, const model::LabelSet& labels, std::string_view line) {
  std::string out = format_dry_run_time(ns, local_utc_offset(ns));
  out += '\t';
  out += labels.to_string();
  out += '\t';
  out += line;
  out += '\n';
  return out;
}

}  // namespace logtail
