// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil): days since
// 1970-01-01 of a date, and back. Thread-safe: pure functions.
#pragma once

#include <cstdint>

namespace util {

int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
void civil_from_days(int64_t days, int64_t& year, unsigned& month, unsigned& day);

}  // namespace util
