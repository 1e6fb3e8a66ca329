// Ruler: Loki's ruler for one process. It reads every tenant's rule groups from a RuleStore
// (at start, every poll_interval, and right after a rules API change), compiles them (a bad
// rule file or group object is reported and skipped, or keeps its last good version; the others
// load), and runs each
// group on the GroupScheduler. Results go out per tenant: recorded samples (and ALERTS,
// ALERTS_FOR_STATE) to every remote-write client, alerts to the Alertmanagers. Alert state is
// saved to <rule_path>/<tenant>/alerts.json as it changes and at stop, and restored at start.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "ruler/alert_state_file.h"
#include "ruler/alertmanager_notifier.h"
#include "ruler/group_evaluator.h"
#include "ruler/group_scheduler.h"
#include "ruler/outputs.h"
#include "ruler/query_engine.h"
#include "ruler/remote_write.h"
#include "ruler/rule_store.h"
#include "util/clock.h"

namespace ruler {

struct RulerOptions {
  int64_t evaluation_interval_ns = 60'000'000'000;
  int64_t poll_interval_ns = 60'000'000'000;
  std::string rule_path;  // alert state files; "" keeps no state
  AlertmanagerConfig alertmanager;  // no urls: alerts are evaluated but not sent
  int64_t resend_delay_ns = 60'000'000'000;
  RestorePolicy restore;
  std::string external_url;
  model::LabelSet external_labels;
  std::vector<RemoteWriteConfig> remote_write;  // empty: recorded samples are not sent
  bool add_org_id_header = true;
  int workers = 2;
  std::set<std::string> enabled_tenants, disabled_tenants;
  // Log lines: level ("info", "warn", "error"), message, logfmt fields.
  std::function<void(const std::string& level, const std::string& msg, const std::string& fields)> log;
};

struct GroupStats {
  std::string tenant, name_space, group;
  uint64_t evaluations = 0;  // rule evaluations
  uint64_t failures = 0;     // failed rule evaluations
  uint64_t iterations = 0;   // group evaluations
  uint64_t missed = 0;       // skipped ticks
  double duration_sum = 0;   // seconds over all iterations
  double last_duration = 0;
  uint64_t rules = 0;
  int64_t interval_ns = 0;
};

struct RulerStats {
  std::vector<GroupStats> groups;
  std::vector<std::pair<std::string, AlertmanagerCounters>> notifications;  // by tenant
  std::vector<std::pair<std::string, RemoteWriteCounters>> remote_write;    // by tenant (client name in config)
  std::vector<std::pair<std::string, std::string>> remote_write_names;      // tenant, client name (parallel)
  uint64_t load_errors = 0;  // rule files that could not be loaded, at the last sync
};

class Ruler final : private SampleSink, private AlertSink {
 public:
  Ruler(RulerOptions options, RuleStore& store, QueryEngine& engine, util::Clock& clock);
  ~Ruler() override;  // stop()s
  Ruler(const Ruler&) = delete;
  Ruler& operator=(const Ruler&) = delete;

  // Loads the rules, restores alert state and starts evaluating and polling.
  void start();
  // Stops evaluating, saves alert state, stops the senders. Idempotent.
  void stop();
  // Re-reads the store now.
  void sync();

  std::vector<GroupStatus> groups(const std::string& tenant) const;
  // The problems of the tenant's rule files at the last sync.
  std::vector<RuleError> load_errors(const std::string& tenant) const;
  RulerStats stats() const;

  RuleStore& store() { return store_; }
  // Serializes read-modify-write changes of the store (the rules API).
  std::mutex& store_mutex() { return store_mu_; }
  const RulerOptions& options() const { return options_; }

 private:
  struct ActiveGroup {
    std::string tenant;
    std::shared_ptr<const CompiledGroup> compiled;
    std::shared_ptr<GroupEvaluator> evaluator;
    GroupStats stats;
  };
  struct TenantOutputs {
    std::unique_ptr<AlertmanagerNotifier> notifier;
    std::vector<std::unique_ptr<RemoteWriteQueue>> writers;
  };

  void append(const std::string& tenant, std::vector<Sample> samples) override;
  void send(const std::string& tenant, std::vector<NotifierAlert> alerts) override;
  TenantOutputs& outputs(const std::string& tenant);
  void run_group(const std::string& key, int64_t tick);
  void housekeeping(int64_t next_poll);
  void save_state(const std::string& tenant);
  std::string state_path(const std::string& tenant) const;
  bool tenant_enabled(const std::string& tenant) const;
  void log(const std::string& level, const std::string& msg, const std::string& fields = "") const;

  RulerOptions options_;
  RuleStore& store_;
  QueryEngine& engine_;
  util::Clock& clock_;
  GroupScheduler scheduler_;
  std::mutex store_mu_;
  std::mutex sync_mu_;  // one sync at a time
  // A RuleSource of a namespace: (tenant, namespace, location).
  using SourceKey = std::tuple<std::string, std::string, std::string>;
  std::map<SourceKey, std::string> logged_errors_;  // under sync_mu_

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<ActiveGroup>> groups_;  // by key: tenant \0 namespace \0 group
  std::map<std::string, std::vector<RuleError>> load_errors_;   // by tenant
  std::map<SourceKey, std::vector<CompiledGroup>> last_good_;
  std::map<std::string, TenantAlertState> restored_;            // loaded state files, consumed per group
  std::set<std::string> dirty_;                                 // tenants whose state changed
  std::map<std::string, TenantOutputs> outputs_;

  std::stop_source stop_;
  std::stop_source wake_;
  std::thread housekeeper_;
  bool started_ = false;
};

}  // namespace ruler
