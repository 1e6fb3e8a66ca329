#include "sources/syslog_message.h"

#include <array>

#include "model/time.h"
#include "util/civil_date.h"

namespace sources {
namespace {

constexpr std::string_view kNil = "-";

// Reads `<PRI>` (1..3 digits, value <= 191) and advances `s` past it.
bool read_pri(std::string_view& s, SyslogMessage& m) {
  if (s.size() < 3 || s[0] != '<') return false;
  size_t i = 1;
  int pri = 0;
  while (i < s.size() && i <= 4 && s[i] >= '0' && s[i] <= '9') pri = pri * 10 + (s[i++] - '0');
  if (i == 1 || i > 4 || i >= s.size() || s[i] != '>' || pri > 191) return false;
  // RFC 5424 forbids leading zeros, except "<0>".
  if (s[1] == '0' && i > 2) return false;
  m.facility = pri / 8;
  m.severity = pri % 8;
  s.remove_prefix(i + 1);
  return true;
}

// The next space-delimited token (the rest when there is no space); advances past one space.
std::string_view next_token(std::string_view& s) {
  size_t sp = s.find(' ');
  std::string_view tok = s.substr(0, sp);
  s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  return tok;
}

std::string_view nil_to_empty(std::string_view v) { return v == kNil ? std::string_view() : v; }

// SD-ELEMENT list `[id name="value" ...][...]`; advances past it. False when malformed.
bool read_structured_data(std::string_view& s, std::vector<SyslogSdElement>& out) {
  while (!s.empty() && s[0] == '[') {
    size_t i = 1;
    size_t id_end = s.find_first_of(" ]", i);
    if (id_end == std::string_view::npos || id_end == i) return false;
    SyslogSdElement el;
    el.id = s.substr(i, id_end - i);
    i = id_end;
    while (i < s.size() && s[i] == ' ') {
      ++i;
      size_t eq = s.find('=', i);
      if (eq == std::string_view::npos || eq == i || eq + 1 >= s.size() || s[eq + 1] != '"') {
        return false;
      }
      SyslogSdParam p;
      p.name = s.substr(i, eq - i);
      i = eq + 2;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i];
        if (c == '\\' && i + 1 < s.size() &&
            (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == ']')) {
          p.value.push_back(s[i + 1]);
          i += 2;
        } else if (c == '"') {
          closed = true;
          ++i;
          break;
        } else {
          p.value.push_back(c);
          ++i;
        }
      }
      if (!closed) return false;
      el.params.push_back(std::move(p));
    }
    if (i >= s.size() || s[i] != ']') return false;
    out.push_back(std::move(el));
    s.remove_prefix(i + 1);
  }
  return true;
}

int month_index(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == m) return static_cast<int>(i) + 1;
  }
  return 0;
}

int two_digits(std::string_view s, size_t at) {
  char a = s[at], b = s[at + 1];
  if (b < '0' || b > '9') return -1;
  if (a == ' ') return b - '0';  // "Nov  5": day padded with a space
  if (a < '0' || a > '9') return -1;
  return (a - '0') * 10 + (b - '0');
}

// "Mmm dd hh:mm:ss" (15 bytes) as Unix nanoseconds in `year`, UTC.
std::optional<int64_t> read_bsd_timestamp(std::string_view s, int year) {
  if (s.size() < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':') return {};
  int month = month_index(s.substr(0, 3));
  int day = two_digits(s, 4), hh = two_digits(s, 7), mm = two_digits(s, 10), ss = two_digits(s, 13);
  if (month == 0 || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
      ss > 60) {
    return {};
  }
  int64_t days = util::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  // Year 0 (RFC 3164 has no year, and rfc3164_default_to_current_year is off, as in Promtail) is
  // beyond int64 nanoseconds: wrap as Go's UnixNano does, rather than overflow (undefined in C++).
  uint64_t seconds = static_cast<uint64_t>(((days * 24 + hh) * 60 + mm) * 60 + ss);
  return static_cast<int64_t>(seconds * static_cast<uint64_t>(model::kNanosPerSecond));
}

}  // namespace

util::Result<SyslogMessage> parse_rfc5424(std::string_view s) {
  SyslogMessage m;
  if (!read_pri(s, m)) return util::Error{"syslog: expecting a priority value within angle brackets"};
  if (s.size() < 2 || s[0] != '1' || s[1] != ' ') {
    return util::Error{"syslog: expecting a version value 1 followed by a space"};
  }
  s.remove_prefix(2);
  // Best effort from here: each header field that is missing leaves the rest empty.
  std::string_view ts = next_token(s);
  if (ts != kNil && !ts.empty()) {
    auto t = model::parse_rfc3339(ts);
    if (t.ok()) m.timestamp = *t;
  }
  m.hostname = nil_to_empty(next_token(s));
  m.app_name = nil_to_empty(next_token(s));
  m.proc_id = nil_to_empty(next_token(s));
  m.msg_id = nil_to_empty(next_token(s));
  if (s.empty()) return m;
  if (s[0] == '-') {
    s.remove_prefix(1);
  } else if (s[0] == '[') {
    std::string_view rest = s;
    if (read_structured_data(rest, m.structured_data)) {
      s = rest;
    } else {
      m.structured_data.clear();  // malformed: keep it in the message, as text
    }
  }
  if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  m.message = s;
  return m;
}

util::Result<SyslogMessage> parse_rfc3164(std::string_view s, int year) {
  SyslogMessage m;
  if (!read_pri(s, m)) return util::Error{"syslog: expecting a priority value within angle brackets"};
  auto ts = read_bsd_timestamp(s, year);
  if (!ts) {
    m.message = s;  // no header: the whole rest is the message
    return m;
  }
  m.timestamp = ts;
  s.remove_prefix(15);
  if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  m.hostname = next_token(s);
  // TAG: alphanumerics up to '[' or ':'; the PID in brackets; then ": ".
  size_t end = s.find_first_of("[: ");
  if (end != std::string_view::npos && end > 0 && s[end] != ' ') {
    m.app_name = s.substr(0, end);
    size_t i = end;
    if (s[i] == '[') {
      size_t close = s.find(']', i);
      if (close != std::string_view::npos) {
        m.proc_id = s.substr(i + 1, close - i - 1);
        i = close + 1;
      }
    }
    if (i < s.size() && s[i] == ':') ++i;
    if (i < s.size() && s[i] == ' ') ++i;
    s.remove_prefix(i);
  }
  m.message = s;
  return m;
}

std::string_view severity_name(int severity) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"};
  return severity >= 0 && severity < 8 ? kNames[static_cast<size_t>(severity)] : std::string_view();
}

std::string_view facility_name(int facility) {
  static constexpr std::array<std::string_view, 24> kNames = {
      "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
      "uucp",   "cron",   "authpriv", "ftp",  "ntp",    "security", "console", "solaris-cron",
      "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
  return facility >= 0 && facility < 24 ? kNames[static_cast<size_t>(facility)] : std::string_view();
}

}  // namespace sources
