// SyslogMessage: one syslog message parsed from a frame, RFC 5424 (the IETF format) or RFC 3164
// (the BSD format), with Promtail's names for facility and severity. Parsing is best effort as
// Promtail's parser is: a frame that starts with a valid PRI always yields a message; fields that
// cannot be read are left empty and the rest of the frame becomes the message text.
//
// Thread-safety: pure functions over buffers. A SyslogMessage's string_views point into the
// parsed frame and are valid only as long as it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace sources {

struct SyslogSdParam {
  std::string_view name;
  std::string value;  // unescaped (\" \\ \] become " \ ])
};

struct SyslogSdElement {
  std::string_view id;  // e.g. "exampleSDID@32473"
  std::vector<SyslogSdParam> params;
};

struct SyslogMessage {
  int facility = 0;  // 0..23
  int severity = 0;  // 0..7
  std::optional<int64_t> timestamp;  // Unix nanoseconds, when the frame carries a usable one
  // Empty when absent or the NILVALUE "-".
  std::string_view hostname;
  std::string_view app_name;
  std::string_view proc_id;
  std::string_view msg_id;
  std::vector<SyslogSdElement> structured_data;
  std::string_view message;  // the MSG part; empty when the frame has none
};

// RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]`. A UTF-8 BOM in front of
// MSG is dropped. Fails only without a valid PRI and version.
util::Result<SyslogMessage> parse_rfc5424(std::string_view frame);

// RFC 3164: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG`. The timestamp has no year and no zone:
// it is read as UTC in `year` (Promtail's default year is 0 unless
// rfc3164_default_to_current_year; pass the year to use). Fails only without a valid PRI.
util::Result<SyslogMessage> parse_rfc3164(std::string_view frame, int year);

// Promtail's label values: "emergency", "alert", "critical", "error", "warning", "notice",
// "informational", "debug"; and "kern", "user", "mail", ..., "local7".
std::string_view severity_name(int severity);
std::string_view facility_name(int facility);

}  // namespace sources
