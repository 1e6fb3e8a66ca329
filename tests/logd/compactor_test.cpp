// logd's compactor loop on a FakeClock: a pass at start, then one per compaction_interval of
// the clock, each deleting what is expired as of the clock's now minus retention_delete_delay.
#include <doctest/doctest.h>

#include "../maint/maint_test_util.h"
#include "logd/compactor.h"
#include "util/clock.h"

using maint_test::E;
using maint_test::kDay;
using maint_test::kDay0;

TEST_CASE("compactor: passes at start and every compaction_interval of the clock") {
  maint_test::DataDir d;
  d.flush_one("t", {{"app", "api"}}, {E(kDay0, "old line")});
  // The chunk's newest entry is at kDay0: it expires after kDay0 + 1d and goes 2h later.
  util::FakeClock clock(kDay0 + kDay + model::kNanosPerHour);
  logd::CompactorOptions o;
  o.target = d.target();
  o.target.clock = &clock;
  o.data_dir = d.tmp.path;  // its store is d.root()
  o.interval_ns = 10 * model::kNanosPerMinute;
  o.retention_enabled = true;
  o.retention.retention_period = kDay;
  o.retention_delete_delay_ns = 2 * model::kNanosPerHour;
  logd::Logger quiet(logd::LogLevel::kError);
  logd::Metrics metrics;
  auto runner = std::make_unique<logd::Compactor>(o, quiet, metrics);
  runner->start();
  REQUIRE(clock.wait_for_sleepers(1));  // the first pass ran: expired, but within the delay
  CHECK(metrics.retention_runs.value({"success"}) == 1);
  CHECK(d.chunk_files("t") == 1);
  clock.advance(2 * model::kNanosPerHour);  // past the delay; one pass (the next is 10m after this one)
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(metrics.retention_runs.value({"success"}) == 2);
  CHECK(d.chunk_files("t") == 0);
  CHECK(metrics.retention_deleted.value({"t"}) == 1);
  runner->stop();  // a sleep ends at once
  CHECK(metrics.retention_runs.value({"success"}) == 2);
}
