// -dry-run output: Promtail's logger client format.
#include <doctest/doctest.h>

#include "logtail/dry_run.h"

TEST_CASE("dry run: Go layout 2006-01-02T15:04:05.999999999-0700") {
  // 2023-06-01T12:34:56Z
  const int64_t t = 1685622896LL * 1'000'000'000;
  CHECK(logtail::format_dry_run_time(t, 0) == "2023-06-01T12:34:56+0000");
  CHECK(logtail::format_dry_run_time(t + 360'100'000, 0) == "2023-06-01T12:34:56.3601+0000");
  CHECK(logtail::format_dry_run_time(t + 1, 3600) == "2023-06-01T13:34:56.000000001+0100");
  CHECK(logtail::format_dry_run_time(t, -(5 * 3600 + 30 * 60)) == "2023-06-01T07:04:56-0530");
  CHECK(logtail::format_dry_run_time(0, -3600) == "1969-12-31T23:00:00-0100");
}

TEST_CASE("dry run: one entry per line: time, labels, line separated by tabs") {
  std::string out = logtail::format_dry_run_entry(1685622896LL * 1'000'000'000, {{"level", "info"}, {"job", "x"}}, "hello");
  auto tab = out.find('\t');
  REQUIRE(tab != std::string::npos);
  CHECK(out.substr(tab) == "\t{job=\"x\", level=\"info\"}\thello\n");
  CHECK(out.substr(0, 10) == "2023-06-01");
}
