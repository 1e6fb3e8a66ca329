// Logger: logd's own log lines on stderr, in the logfmt form Loki writes
// (`level=info ts=2026-11-25T21:56:54.123Z msg="logd listening" address=...`), filtered by
// server.log_level / -log.level: a line is written when its level is at or above the
// configured one (debug < info < warn < error).
//
// Thread-safety: log() may be called from any thread; each line is written with one call.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace logd {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// "debug", "info", "warn", "error" (as Loki's -log.level accepts them).
util::Result<LogLevel> parse_log_level(std::string_view name);

class Logger {
 public:
  explicit Logger(LogLevel min_level = LogLevel::kInfo) : min_level_(min_level) {}

  bool enabled(LogLevel level) const { return level >= min_level_; }
  // `msg` is quoted; `fields` ("key=value key2=\"quoted\"") follow as given.
  void log(LogLevel level, std::string_view msg, std::string_view fields = {}) const;

 private:
  LogLevel min_level_;
};

}  // namespace logd
