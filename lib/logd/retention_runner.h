// RetentionRunner: Loki's compactor retention, inside logd (compactor.retention_enabled). At start
// and every compaction_interval, each tenant's chunks whose newest entry is
// older than their retention plus retention_delete_delay are deleted: the period is the
// highest-priority matching limits_config.retention_stream rule's, else retention_period (0:
// keep). The work is maint::apply_retention, the code `logidx retention` runs, under the same
// maintenance lock, so a cron logidx and logd never collide: whichever comes second skips its
// round (logd counts it as "skipped" and tries again next interval).
//
// Thread-safety: start()/stop() from one thread; run_once() may be called while stopped.
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>

#include "logd/config.h"
#include "logd/logger.h"
#include "logd/metrics.h"
#include "maint/retention.h"
#include "util/clock.h"
#include "util/result.h"

namespace logd {

class RetentionRunner {
 public:
  // Errors: a retention_stream selector that does not parse (check_config catches it first).
  // `clock` says what is expired and paces the passes.
  static util::Result<std::unique_ptr<RetentionRunner>> create(const Config& config, const Logger& logger,
                                                               Metrics& metrics, util::Clock& clock);
  ~RetentionRunner();  // stop()

  void start();
  void stop();
  // One pass over every tenant, as of the clock's now. Returns the chunks deleted. A stop
  // request ends it between tenants.
  size_t run_once(std::stop_token stop = {});

 private:
  RetentionRunner(std::string data_dir, std::string store_root, int64_t interval, int64_t delete_delay,
                  maint::RetentionOptions options, const Logger& logger, Metrics& metrics, util::Clock& clock);

  const std::string data_dir_, store_root_;
  const int64_t interval_, delete_delay_;
  const maint::RetentionOptions options_;  // `now` is set per pass
  const Logger& logger_;
  Metrics& metrics_;
  util::Clock& clock_;

  std::jthread thread_;
};

}  // namespace logd
