#include "golang/time.h"

#include <cstdio>

#include "golang/time_zone.h"
#include "util/civil_date.h"

namespace golang {
namespace {
constexpr int64_t kNanosPerSecond = 1'000'000'000;
}  // namespace

Time Time::from_unix_nanos(int64_t ns) {
  Time t;
  t.sec = ns / kNanosPerSecond;
  int64_t frac = ns % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    t.sec -= 1;
  }
  t.nsec = static_cast<int32_t>(frac);
  return t;
}

// Seconds from 0001-01-01 to 1970-01-01.
constexpr int64_t kZeroTimeUnix = -62135596800LL;

Time Time::zero() {
  Time t;
  t.sec = kZeroTimeUnix;
  return t;
}

bool Time::is_zero() const { return sec == kZeroTimeUnix && nsec == 0; }

std::string time_string(const Time& t) { return format_time(t, "2006-01-02 15:04:05.999999999 -0700 MST"); }

namespace {

enum Std {
  kNone, kLongMonth, kMonth, kNumMonth, kZeroMonth, kLongWeekDay, kWeekDay, kDay, kUnderDay, kZeroDay,
  kUnderYearDay, kZeroYearDay, kHour, kHour12, kZeroHour12, kMinute, kZeroMinute, kSecond, kZeroSecond,
  kLongYear, kYear, kPM, kpm, kTZ, kISO8601TZ, kISO8601SecondsTZ, kISO8601ShortTZ, kISO8601ColonTZ,
  kISO8601ColonSecondsTZ, kNumTZ, kNumSecondsTz, kNumShortTZ, kNumColonTZ, kNumColonSecondsTZ,
  kFracSecond0, kFracSecond9,
};

struct Chunk {
  std::string_view prefix;
  Std std = kNone;
  int frac_digits = 0;
  char frac_sep = '.';
  std::string_view suffix;
};

bool starts_lower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }
bool has(std::string_view s, size_t i, std::string_view what) { return s.substr(i, what.size()) == what; }

// time.nextStdChunk: the text before the first layout element, the element, and the rest.
Chunk next_chunk(std::string_view l) {
  auto found = [&](size_t i, Std s, size_t len) { return Chunk{l.substr(0, i), s, 0, '.', l.substr(i + len)}; };
  for (size_t i = 0; i < l.size(); ++i) {
    switch (l[i]) {
      case 'J':
        if (has(l, i, "Jan")) {
          if (has(l, i, "January")) return found(i, kLongMonth, 7);
          if (!starts_lower(l.substr(i + 3))) return found(i, kMonth, 3);
        }
        break;
      case 'M':
        if (has(l, i, "Mon")) {
          if (has(l, i, "Monday")) return found(i, kLongWeekDay, 6);
          if (!starts_lower(l.substr(i + 3))) return found(i, kWeekDay, 3);
        }
        if (has(l, i, "MST")) return found(i, kTZ, 3);
        break;
      case '0':
        if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
          static const Std k0x[] = {kZeroMonth, kZeroDay, kZeroHour12, kZeroMinute, kZeroSecond, kYear};
          return found(i, k0x[l[i + 1] - '1'], 2);
        }
        if (has(l, i, "002")) return found(i, kZeroYearDay, 3);
        break;
      case '1':
        if (i + 1 < l.size() && l[i + 1] == '5') return found(i, kHour, 2);
        return found(i, kNumMonth, 1);
      case '2':
        if (has(l, i, "2006")) return found(i, kLongYear, 4);
        return found(i, kDay, 1);
      case '_':
        if (i + 1 < l.size() && l[i + 1] == '2') {
          if (has(l, i + 1, "2006")) return Chunk{l.substr(0, i + 1), kLongYear, 0, '.', l.substr(i + 5)};
          return found(i, kUnderDay, 2);
        }
        if (has(l, i, "__2")) return found(i, kUnderYearDay, 3);
        break;
      case '3': return found(i, kHour12, 1);
      case '4': return found(i, kMinute, 1);
      case '5': return found(i, kSecond, 1);
      case 'P':
        if (has(l, i, "PM")) return found(i, kPM, 2);
        break;
      case 'p':
        if (has(l, i, "pm")) return found(i, kpm, 2);
        break;
      case '-':
        if (has(l, i, "-070000")) return found(i, kNumSecondsTz, 7);
        if (has(l, i, "-07:00:00")) return found(i, kNumColonSecondsTZ, 9);
        if (has(l, i, "-0700")) return found(i, kNumTZ, 5);
        if (has(l, i, "-07:00")) return found(i, kNumColonTZ, 6);
        if (has(l, i, "-07")) return found(i, kNumShortTZ, 3);
        break;
      case 'Z':
        if (has(l, i, "Z070000")) return found(i, kISO8601SecondsTZ, 7);
        if (has(l, i, "Z07:00:00")) return found(i, kISO8601ColonSecondsTZ, 9);
        if (has(l, i, "Z0700")) return found(i, kISO8601TZ, 5);
        if (has(l, i, "Z07:00")) return found(i, kISO8601ColonTZ, 6);
        if (has(l, i, "Z07")) return found(i, kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
          char ch = l[i + 1];
          size_t j = i + 1;
          while (j < l.size() && l[j] == ch) ++j;
          if (!(j < l.size() && l[j] >= '0' && l[j] <= '9')) {
            return Chunk{l.substr(0, i), ch == '0' ? kFracSecond0 : kFracSecond9, static_cast<int>(j - i - 1), l[i],
                         l.substr(j)};
          }
        }
        break;
      default: break;
    }
  }
  return Chunk{l, kNone, 0, '.', {}};
}

const char* const kLongMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};


void append_int(std::string& out, int64_t v, int width, char pad = '0') {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) out.append(static_cast<size_t>(width) - s.size(), pad);
  out += s;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

void append_time(std::string& out, const Time& t, std::string_view layout) {
  int64_t local = t.sec + t.offset;
  int64_t days = floor_div(local, 86400);
  int64_t secs = local - days * 86400;
  int64_t year;
  unsigned month, day;
  util::civil_from_days(days, year, month, day);
  int hour = static_cast<int>(secs / 3600), minute = static_cast<int>(secs / 60 % 60), second = static_cast<int>(secs % 60);
  int weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  int yday = static_cast<int>(days - util::days_from_civil(year, 1, 1)) + 1;
  while (!layout.empty()) {
    Chunk c = next_chunk(layout);
    out += c.prefix;
    if (c.std == kNone) break;
    layout = c.suffix;
    switch (c.std) {
      case kYear: append_int(out, (year % 100 + 100) % 100, 2); break;
      case kLongYear: append_int(out, year, 4); break;
      case kMonth: out.append(kLongMonths[month - 1], 3); break;
      case kLongMonth: out += kLongMonths[month - 1]; break;
      case kNumMonth: append_int(out, month, 0); break;
      case kZeroMonth: append_int(out, month, 2); break;
      case kWeekDay: out.append(kLongDays[weekday], 3); break;
      case kLongWeekDay: out += kLongDays[weekday]; break;
      case kDay: append_int(out, day, 0); break;
      case kUnderDay: append_int(out, day, 2, ' '); break;
      case kZeroDay: append_int(out, day, 2); break;
      case kUnderYearDay: append_int(out, yday, 3, ' '); break;
      case kZeroYearDay: append_int(out, yday, 3); break;
      case kHour: append_int(out, hour, 2); break;
      case kHour12: append_int(out, hour % 12 == 0 ? 12 : hour % 12, 0); break;
      case kZeroHour12: append_int(out, hour % 12 == 0 ? 12 : hour % 12, 2); break;
      case kMinute: append_int(out, minute, 0); break;
      case kZeroMinute: append_int(out, minute, 2); break;
      case kSecond: append_int(out, second, 0); break;
      case kZeroSecond: append_int(out, second, 2); break;
      case kPM: out += hour >= 12 ? "PM" : "AM"; break;
      case kpm: out += hour >= 12 ? "pm" : "am"; break;
      case kTZ:
        if (!t.zone.empty()) {
          out += t.zone;
          break;
        }
        [[fallthrough]];
      case kISO8601TZ: case kISO8601SecondsTZ: case kISO8601ShortTZ: case kISO8601ColonTZ:
      case kISO8601ColonSecondsTZ: case kNumTZ: case kNumSecondsTz: case kNumShortTZ: case kNumColonTZ:
      case kNumColonSecondsTZ: {
        bool iso = c.std >= kISO8601TZ && c.std <= kISO8601ColonSecondsTZ;
        if (iso && t.offset == 0) {
          out += 'Z';
          break;
        }
        int zone = t.offset / 60, abs_off = t.offset;
        if (zone < 0) {
          out += '-';
          zone = -zone;
          abs_off = -abs_off;
        } else {
          out += '+';
        }
        append_int(out, zone / 60, 2);
        bool colon = c.std == kISO8601ColonTZ || c.std == kNumColonTZ || c.std == kISO8601ColonSecondsTZ ||
                     c.std == kNumColonSecondsTZ;
        if (colon) out += ':';
        if (c.std != kNumShortTZ && c.std != kISO8601ShortTZ) append_int(out, zone % 60, 2);
        if (c.std == kISO8601SecondsTZ || c.std == kNumSecondsTz || c.std == kNumColonSecondsTZ ||
            c.std == kISO8601ColonSecondsTZ) {
          if (colon) out += ':';
          append_int(out, abs_off % 60, 2);
        }
        break;
      }
      case kFracSecond0:
      case kFracSecond9: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%09d", t.nsec);
        std::string digits(buf, static_cast<size_t>(c.frac_digits > 9 ? 9 : c.frac_digits));
        if (c.std == kFracSecond9) {
          while (!digits.empty() && digits.back() == '0') digits.pop_back();
          if (digits.empty()) break;
        }
        out += c.frac_sep;
        out += digits;
        break;
      }
      case kNone: break;
    }
  }
}

std::string format_time(const Time& t, std::string_view layout) {
  std::string out;
  append_time(out, t, layout);
  return out;
}

namespace {

// Reads up to `max` digits (at least `min`); -1 when there are none.
int64_t take_digits(std::string_view& v, size_t min, size_t max) {
  size_t n = 0;
  while (n < v.size() && n < max && v[n] >= '0' && v[n] <= '9') ++n;
  if (n < min) return -1;
  int64_t r = 0;
  for (size_t k = 0; k < n; ++k) r = r * 10 + (v[k] - '0');
  v.remove_prefix(n);
  return r;
}

int take_name(std::string_view& v, const char* const* names, size_t count, size_t len) {
  for (size_t k = 0; k < count; ++k) {
    std::string_view n = names[k];
    if (len) n = n.substr(0, len);
    if (v.size() >= n.size()) {
      bool eq = true;
      for (size_t j = 0; j < n.size() && eq; ++j) eq = std::tolower(static_cast<unsigned char>(v[j])) == std::tolower(static_cast<unsigned char>(n[j]));
      if (eq) {
        v.remove_prefix(n.size());
        return static_cast<int>(k);
      }
    }
  }
  return -1;
}

}  // namespace

bool zone_known(std::string_view zone) { return TimeZone::load(zone) != nullptr; }

Time time_in_zone(const Time& t, std::string_view zone) {
  auto tz = TimeZone::load(zone);
  if (!tz) return t;
  Time r = t;
  tz->lookup(t.sec, r.offset, r.zone);
  return r;
}

util::Result<Time> parse_time(std::string_view layout, std::string_view value, std::string_view zone) {
  std::string_view orig_layout = layout, orig_value = value;
  auto bad = [&] {
    return util::Error{"parsing time \"" + std::string(orig_value) + "\" as \"" + std::string(orig_layout) +
                       "\": cannot parse"};
  };
  auto tz = TimeZone::load(zone);
  if (!tz) tz = TimeZone::utc();
  int64_t year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, nsec = 0, yday = -1;
  bool pm = false, pm_set = false, have_offset = false;
  int32_t offset = 0;
  std::string zone_abbr;
  while (true) {
    Chunk c = next_chunk(layout);
    if (value.substr(0, c.prefix.size()) != c.prefix) return bad();
    value.remove_prefix(c.prefix.size());
    if (c.std == kNone) break;
    layout = c.suffix;
    int64_t n = 0;
    switch (c.std) {
      case kYear:
        if ((n = take_digits(value, 2, 2)) < 0) return bad();
        year = n >= 69 ? n + 1900 : n + 2000;
        break;
      case kLongYear:
        if ((n = take_digits(value, 4, 4)) < 0) return bad();
        year = n;
        break;
      case kMonth:
      case kLongMonth:
        if ((n = take_name(value, kLongMonths, 12, c.std == kMonth ? 3 : 0)) < 0) return bad();
        month = n + 1;
        break;
      case kNumMonth:
      case kZeroMonth:
        if ((month = take_digits(value, c.std == kZeroMonth ? 2 : 1, 2)) < 1 || month > 12) return bad();
        break;
      case kWeekDay:
      case kLongWeekDay:
        if (take_name(value, kLongDays, 7, c.std == kWeekDay ? 3 : 0) < 0) return bad();
        break;
      case kDay:
      case kUnderDay:
      case kZeroDay:
        if (c.std == kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        if ((day = take_digits(value, c.std == kZeroDay ? 2 : 1, 2)) < 1 || day > 31) return bad();
        break;
      case kUnderYearDay:
      case kZeroYearDay:
        while (c.std == kUnderYearDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        if ((yday = take_digits(value, c.std == kZeroYearDay ? 3 : 1, 3)) < 1 || yday > 366) return bad();
        break;
      case kHour:
        if ((hour = take_digits(value, 2, 2)) < 0 || hour > 23) return bad();
        break;
      case kHour12:
      case kZeroHour12:
        if ((hour = take_digits(value, c.std == kZeroHour12 ? 2 : 1, 2)) < 0 || hour > 12) return bad();
        break;
      case kMinute:
      case kZeroMinute:
        if ((minute = take_digits(value, c.std == kZeroMinute ? 2 : 1, 2)) < 0 || minute > 59) return bad();
        break;
      case kSecond:
      case kZeroSecond:
        if ((second = take_digits(value, c.std == kZeroSecond ? 2 : 1, 2)) < 0 || second > 59) return bad();
        // A fraction in the value without one in the layout is accepted, as Go does.
        if (value.size() > 1 && (value[0] == '.' || value[0] == ',') && value[1] >= '0' && value[1] <= '9' &&
            next_chunk(layout).std != kFracSecond0 && next_chunk(layout).std != kFracSecond9) {
          value.remove_prefix(1);
          std::string_view before = value;
          int64_t f = take_digits(value, 1, 9);
          for (size_t k = before.size() - value.size(); k < 9; ++k) f *= 10;
          nsec = f;
          while (!value.empty() && value[0] >= '0' && value[0] <= '9') value.remove_prefix(1);
        }
        break;
      case kPM:
      case kpm:
        if (value.size() < 2) return bad();
        if (value.substr(0, 2) == "PM" || value.substr(0, 2) == "pm") pm = true;
        else if (value.substr(0, 2) != "AM" && value.substr(0, 2) != "am") return bad();
        pm_set = true;
        value.remove_prefix(2);
        break;
      case kTZ: {
        size_t n2 = 0;
        while (n2 < value.size() && value[n2] >= 'A' && value[n2] <= 'Z') ++n2;
        if (n2 < 3) return bad();
        zone_abbr = std::string(value.substr(0, n2));
        value.remove_prefix(n2);
        break;
      }
      case kISO8601TZ: case kISO8601SecondsTZ: case kISO8601ShortTZ: case kISO8601ColonTZ:
      case kISO8601ColonSecondsTZ: case kNumTZ: case kNumSecondsTz: case kNumShortTZ: case kNumColonTZ:
      case kNumColonSecondsTZ: {
        bool iso = c.std >= kISO8601TZ && c.std <= kISO8601ColonSecondsTZ;
        if (iso && !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          have_offset = true;
          offset = 0;
          zone_abbr = "UTC";
          break;
        }
        if (value.empty() || (value[0] != '+' && value[0] != '-')) return bad();
        int sign = value[0] == '-' ? -1 : 1;
        value.remove_prefix(1);
        int64_t hh = take_digits(value, 2, 2), mm = 0, ss = 0;
        if (hh < 0) return bad();
        bool colon = c.std == kISO8601ColonTZ || c.std == kNumColonTZ || c.std == kISO8601ColonSecondsTZ ||
                     c.std == kNumColonSecondsTZ;
        if (c.std != kNumShortTZ && c.std != kISO8601ShortTZ) {
          if (colon && (value.empty() || value[0] != ':')) return bad();
          if (colon) value.remove_prefix(1);
          if ((mm = take_digits(value, 2, 2)) < 0) return bad();
        }
        if (c.std == kISO8601SecondsTZ || c.std == kNumSecondsTz || c.std == kNumColonSecondsTZ ||
            c.std == kISO8601ColonSecondsTZ) {
          if (colon && (value.empty() || value[0] != ':')) return bad();
          if (colon) value.remove_prefix(1);
          if ((ss = take_digits(value, 2, 2)) < 0) return bad();
        }
        have_offset = true;
        offset = static_cast<int32_t>(sign * (hh * 3600 + mm * 60 + ss));
        break;
      }
      case kFracSecond0:
      case kFracSecond9: {
        if (value.empty() || (value[0] != '.' && value[0] != ',')) {
          if (c.std == kFracSecond9) break;  // optional
          return bad();
        }
        value.remove_prefix(1);
        std::string_view before = value;
        size_t want = c.std == kFracSecond0 ? static_cast<size_t>(c.frac_digits) : 9;
        int64_t f = take_digits(value, c.std == kFracSecond0 ? want : 1, c.std == kFracSecond0 ? want : 64);
        if (f < 0) return bad();
        size_t got = before.size() - value.size();
        if (got > 9) {
          f = 0;
          for (size_t k = 0; k < 9; ++k) f = f * 10 + (before[k] - '0');
        } else {
          for (size_t k = got; k < 9; ++k) f *= 10;
        }
        nsec = f;
        break;
      }
      case kNone: break;
    }
  }
  if (!value.empty()) return bad();
  if (pm_set) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour == 12) hour = 0;
  }
  int64_t days;
  if (yday > 0) {
    days = util::days_from_civil(year, 1, 1) + yday - 1;
  } else {
    static const int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > kMonthDays[month - 1] || (month == 2 && day == 29 && !leap)) return bad();
    days = util::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  }
  int64_t local = days * 86400 + hour * 3600 + minute * 60 + second;
  Time t;
  t.nsec = static_cast<int32_t>(nsec);
  if (have_offset) {
    t.sec = local - offset;
    int32_t zoff;
    std::string zabbr;
    tz->lookup(t.sec, zoff, zabbr);
    // Go reuses the location when the offset matches it, else a fixed zone without a name.
    if (zoff == offset) {
      t.offset = zoff;
      t.zone = zabbr;
    } else {
      t.offset = offset;
      t.zone = offset == 0 && zone_abbr == "UTC" ? "UTC" : "";
    }
    return t;
  }
  if (!zone_abbr.empty()) {
    int32_t zoff;
    std::string zabbr;
    tz->lookup(local - tz->offset_for_local(local), zoff, zabbr);
    if (zabbr == zone_abbr) {
      t.sec = local - zoff;
      t.offset = zoff;
      t.zone = zabbr;
    } else {
      t.sec = local;
      t.offset = 0;
      t.zone = zone_abbr;
    }
    return t;
  }
  int32_t off = tz->offset_for_local(local);
  t.sec = local - off;
  tz->lookup(t.sec, t.offset, t.zone);
  return t;
}

}  // namespace golang
