#include "logd/retention_runner.h"

#include "maint/store_snapshot.h"
#include "model/go_string.h"
#include "model/time.h"

namespace logd {
util::Result<std::unique_ptr<RetentionRunner>> RetentionRunner::create(const Config& config, const Logger& logger,
                                                                       Metrics& metrics, util::Clock& clock) {
  maint::RetentionOptions options;
  options.retention_period = config.limits_config.retention_period;
  for (const auto& rs : config.limits_config.retention_stream) {
    auto matchers = maint::parse_selector(rs.selector);
    if (!matchers.ok()) return util::prefixed("limits_config.retention_stream: " + rs.selector + ": ", matchers.status_error());
    maint::RetentionRule rule;
    rule.selector = rs.selector;
    rule.matchers = std::move(*matchers);
    rule.period = rs.period;
    rule.priority = static_cast<int>(rs.priority);
    options.rules.push_back(std::move(rule));
  }
  return std::unique_ptr<RetentionRunner>(new RetentionRunner(
      config.common.path_prefix, config.store_dir(), config.compactor.compaction_interval,
      config.compactor.retention_delete_delay, std::move(options), logger, metrics, clock));
}

RetentionRunner::RetentionRunner(std::string data_dir, std::string store_root, int64_t interval, int64_t delete_delay,
                                 maint::RetentionOptions options, const Logger& logger, Metrics& metrics,
                                 util::Clock& clock)
    : data_dir_(std::move(data_dir)), store_root_(std::move(store_root)), interval_(interval),
      delete_delay_(delete_delay), options_(std::move(options)), logger_(logger), metrics_(metrics),
      clock_(clock) {}

RetentionRunner::~RetentionRunner() { stop(); }

void RetentionRunner::start() {
  if (thread_.joinable()) return;
  // A pass at once (the WAL is replayed and logd serves by now), then one per interval.
  thread_ = std::jthread([this](std::stop_token stop) {
    do {
      run_once(stop);
    } while (clock_.sleep_for(interval_, stop));
  });
}

void RetentionRunner::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

size_t RetentionRunner::run_once(std::stop_token stop) {
  auto lock = maint::acquire_maintenance_lock(data_dir_);
  if (!lock.ok()) {
    metrics_.retention_runs.add({"skipped"}, 1);
    logger_.log(LogLevel::kInfo, "retention: skipped this round", "reason=" + model::quote_go_string(lock.error()));
    return 0;
  }
  // A chunk goes retention_delete_delay after it expired, as Loki's compactor deletes marked
  // chunks only after that delay: evaluate as of now - delay.
  maint::RetentionOptions options = options_;
  options.now = clock_.now_ns() - delete_delay_;
  size_t deleted = 0;
  bool failed = false;
  for (const std::string& tenant : maint::list_tenants(store_root_)) {
    // Shutdown does not wait for the rest of a long pass: the next start picks it up.
    if (stop.stop_requested()) break;
    auto report = maint::apply_retention(store_root_, tenant, options);
    if (!report.ok()) {
      failed = true;
      logger_.log(LogLevel::kError, "retention failed",
                  "tenant=" + model::quote_go_string(tenant) + " err=" + model::quote_go_string(report.error()));
      continue;
    }
    if (report->expired.empty()) continue;
    deleted += report->expired.size();
    metrics_.retention_deleted.add({tenant}, static_cast<double>(report->expired.size()));
    logger_.log(LogLevel::kInfo, "retention deleted expired chunks",
                "tenant=" + model::quote_go_string(tenant) + " chunks=" + std::to_string(report->expired.size()));
  }
  metrics_.retention_runs.add({failed ? "failure" : "success"}, 1);
  return deleted;
}

}  // namespace logd
