// Compactor: Loki's compactor role inside logd. At start and every compactor.compaction_interval,
// under the maintenance lock (a local data directory's flock, a bucket's lease), for each tenant:
//   1. carries out pending deletions whose delay has passed (maint/pending_deletions.h);
//   2. merges each day's index files into one (maint::compact_index), as Loki compacts its
//      index tables, so readers open one file per day instead of one per flush;
//   3. with compactor.retention_enabled, deletes chunks whose newest entry is older than their
//      retention plus retention_delete_delay (maint::apply_retention): the period is the
//      highest-priority matching limits_config.retention_stream rule's, else retention_period.
// The work is the code `logidx compact` and `logidx retention` run, under the same lock, so a
// cron logidx and logd never collide: whichever comes second skips its round (counted as
// "skipped", tried again next interval). On a shared bucket, replaced objects are deleted after
// retention_delete_delay (readers still listing them have that long), on a local store at once.
//
// Thread-safety: start()/stop() from one thread; run_once() may be called while stopped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>

#include "logd/logger.h"
#include "logd/metrics.h"
#include "maint/retention.h"
#include "maint/target.h"
#include "util/result.h"

namespace logd {

struct CompactorOptions {
  maint::Target target;        // the store; target.clock is the time and paces the passes
  std::string data_dir;        // a local store's data directory (its maint.lock); "" for a bucket (lease)
  std::string owner;           // names the lease holder: the writer id
  int64_t interval_ns = 10LL * 60 * 1'000'000'000;
  bool compact_index = true;
  bool retention_enabled = false;
  maint::RetentionOptions retention;  // rules and periods; `now` is set per pass
  // When set, a tenant's own rules and period (per-tenant overrides), asked at each pass;
  // `retention` is then unused.
  std::function<maint::RetentionOptions(const std::string& tenant)> tenant_retention;
  int64_t retention_delete_delay_ns = 2LL * 3600 * 1'000'000'000;
};

class Compactor {
 public:
  Compactor(CompactorOptions options, const Logger& logger, Metrics& metrics);
  ~Compactor();  // stop()

  void start();
  void stop();
  // One pass over every tenant. Returns the chunks retention deleted. A stop request ends the
  // pass between tenants (the next start picks up the rest).
  size_t run_once(std::stop_token stop = {});

 private:
  CompactorOptions options_;
  const Logger& logger_;
  Metrics& metrics_;

  std::jthread thread_;
};

}  // namespace logd
