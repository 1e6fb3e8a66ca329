// logd's log levels: Loki's names, and the order that decides what is written.
#include "logd/logger.h"

#include <doctest/doctest.h>

TEST_CASE("logd logger: levels parse by Loki's names and filter at or above the configured one") {
  CHECK(*logd::parse_log_level("debug") == logd::LogLevel::kDebug);
  CHECK(*logd::parse_log_level("error") == logd::LogLevel::kError);
  auto bad = logd::parse_log_level("verbose");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "\"verbose\": must be one of debug, info, warn, error");

  logd::Logger warn(logd::LogLevel::kWarn);
  CHECK_FALSE(warn.enabled(logd::LogLevel::kDebug));
  CHECK_FALSE(warn.enabled(logd::LogLevel::kInfo));
  CHECK(warn.enabled(logd::LogLevel::kWarn));
  CHECK(warn.enabled(logd::LogLevel::kError));
  CHECK(logd::Logger().enabled(logd::LogLevel::kInfo));
  CHECK_FALSE(logd::Logger().enabled(logd::LogLevel::kDebug));
}
