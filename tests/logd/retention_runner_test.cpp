// logd's retention loop on a FakeClock: a pass at start, then one per compaction_interval of
// the clock, each deleting what is expired as of the clock's now minus retention_delete_delay.
#include <doctest/doctest.h>

#include "../maint/maint_test_util.h"
#include "logd/retention_runner.h"
#include "util/clock.h"

using maint_test::E;
using maint_test::kDay;
using maint_test::kDay0;

TEST_CASE("retention runner: passes at start and every compaction_interval of the clock") {
  maint_test::DataDir d;
  d.flush_one("t", {{"app", "api"}}, {E(kDay0, "old line")});
  logd::Config config;
  config.common.path_prefix = d.tmp.path;  // its store is d.root()
  config.compactor.retention_enabled = true;
  config.compactor.compaction_interval = 10 * model::kNanosPerMinute;
  config.compactor.retention_delete_delay = 2 * model::kNanosPerHour;
  config.limits_config.retention_period = kDay;
  logd::Logger quiet(logd::LogLevel::kError);
  logd::Metrics metrics;
  // The chunk's newest entry is at kDay0: it expires after kDay0 + 1d and goes 2h later.
  util::FakeClock clock(kDay0 + kDay + model::kNanosPerHour);
  auto runner = logd::RetentionRunner::create(config, quiet, metrics, clock);
  REQUIRE(runner.ok());
  (*runner)->start();
  REQUIRE(clock.wait_for_sleepers(1));  // the first pass ran: expired, but within the delay
  CHECK(metrics.retention_runs.value({"success"}) == 1);
  CHECK(d.chunk_files("t") == 1);
  clock.advance(2 * model::kNanosPerHour);  // past the delay; one pass (the next is 10m after this one)
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(metrics.retention_runs.value({"success"}) == 2);
  CHECK(d.chunk_files("t") == 0);
  CHECK(metrics.retention_deleted.value({"t"}) == 1);
  (*runner)->stop();  // a sleep ends at once
  CHECK(metrics.retention_runs.value({"success"}) == 2);
}
