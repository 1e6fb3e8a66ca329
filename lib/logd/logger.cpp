#include "logd/logger.h"

#include <cstdio>
#include <ctime>

#include "model/go_string.h"
#include "model/time.h"
#include "util/clock.h"

namespace logd {

util::Result<LogLevel> parse_log_level(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return util::Error{model::quote_go_string(name) + ": must be one of debug, info, warn, error"};
}

void Logger::log(LogLevel level, std::string_view msg, std::string_view fields) const {
  if (!enabled(level)) return;
  static constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
  std::string line = "level=";
  line += kNames[static_cast<int>(level)];
  line += " ts=";
  line += model::format_rfc3339nano(util::system_clock().now_ns());
  line += " msg=";
  line += model::quote_go_string(msg);
  if (!fields.empty()) {
    line += ' ';
    line += fields;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace logd
