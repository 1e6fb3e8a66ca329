#include "logd/compactor.h"

#include "maint/index_compact.h"
#include "maint/maintenance_lock.h"
#include "maint/pending_deletions.h"
#include "golang/quote.h"
#include "model/time.h"

namespace logd {

Compactor::Compactor(CompactorOptions options, const Logger& logger, Metrics& metrics)
    : options_(std::move(options)), logger_(logger), metrics_(metrics) {}

Compactor::~Compactor() { stop(); }

void Compactor::start() {
  if (thread_.joinable()) return;
  // A pass at once (the WAL is replayed and logd serves by now), then one per interval.
  thread_ = std::jthread([this](std::stop_token stop) {
    do {
      run_once(stop);
    } while (options_.target.clock->sleep_for(options_.interval_ns, stop));
  });
}

void Compactor::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

size_t Compactor::run_once(std::stop_token stop) {
  auto skipped = [&](const std::string& why) {
    if (options_.retention_enabled) metrics_.retention_runs.add({"skipped"}, 1);
    if (options_.compact_index) metrics_.compactions.add({"skipped"}, 1);
    logger_.log(LogLevel::kInfo, "compactor: skipped this round", "reason=" + golang::quote(why));
    return 0;
  };
  auto lock = maint::lock_store(options_.target, options_.data_dir, options_.owner);
  if (!lock.ok()) return skipped(lock.error());
  auto tenants = maint::list_tenants(options_.target);
  if (!tenants.ok()) return skipped(tenants.error());
  // Retention: a chunk goes retention_delete_delay after it expired, as Loki's compactor deletes
  // marked chunks only after that delay: evaluate as of now - delay.
  const int64_t retention_now = options_.target.clock->now_ns() - options_.retention_delete_delay_ns;
  size_t deleted = 0;
  bool retention_failed = false, compaction_failed = false;
  for (const std::string& tenant : *tenants) {
    // Shutdown does not wait for the rest of a long pass: the next start picks it up.
    if (stop.stop_requested()) break;
    if (lock->lease && lock->lease->lost()) break;
    std::string who = "tenant=" + golang::quote(tenant);
    if (auto settled = maint::settle_pending_deletions(options_.target, tenant); !settled.ok()) {
      logger_.log(LogLevel::kWarn, "compactor: pending deletions failed", who + " err=" + golang::quote(settled.error()));
    } else if (settled->markers > 0) {
      logger_.log(LogLevel::kInfo, "compactor: carried out pending deletions",
                  who + " index_files=" + std::to_string(settled->index_files_removed) +
                      " chunks=" + std::to_string(settled->chunks_removed));
    }
    if (options_.compact_index) {
      auto compacted = maint::compact_index(options_.target, tenant, maint::IndexCompactOptions{});
      if (!compacted.ok()) {
        compaction_failed = true;
        logger_.log(LogLevel::kError, "index compaction failed", who + " err=" + golang::quote(compacted.error()));
      } else if (compacted->periods > 0) {
        metrics_.index_files_compacted.add({tenant}, static_cast<double>(compacted->files_in));
        logger_.log(LogLevel::kDebug, "compacted index",
                    who + " days=" + std::to_string(compacted->periods) + " files=" + std::to_string(compacted->files_in));
      }
    }
    if (!options_.retention_enabled) continue;
    maint::RetentionOptions retention = options_.tenant_retention ? options_.tenant_retention(tenant) : options_.retention;
    retention.now = retention_now;
    auto report = maint::apply_retention(options_.target, tenant, retention);
    if (!report.ok()) {
      retention_failed = true;
      logger_.log(LogLevel::kError, "retention failed", who + " err=" + golang::quote(report.error()));
      continue;
    }
    if (report->expired.empty()) continue;
    deleted += report->expired.size();
    metrics_.retention_deleted.add({tenant}, static_cast<double>(report->expired.size()));
    logger_.log(LogLevel::kInfo, "retention deleted expired chunks",
                who + " chunks=" + std::to_string(report->expired.size()));
  }
  if (options_.retention_enabled) metrics_.retention_runs.add({retention_failed ? "failure" : "success"}, 1);
  if (options_.compact_index) metrics_.compactions.add({compaction_failed ? "failure" : "success"}, 1);
  return deleted;
}

}  // namespace logd
