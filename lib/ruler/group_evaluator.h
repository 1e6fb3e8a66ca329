// GroupEvaluator: one rule group of one tenant at run time. evaluate(ts) runs the group's rules
// in order as instant queries at ts (Prometheus evaluates a group's rules sequentially, so a
// recording rule may feed a later rule), records what they produce (recorded series, ALERTS,
// ALERTS_FOR_STATE, and staleness markers for series that went away), and sends the alerts due.
// It keeps each rule's health, last error and timing, and the alerting rules' state.
//
// Thread-safety: evaluate() is called by one thread at a time (the scheduler never runs a group
// twice at once); status(), saved_alerts() and restore() may be called concurrently with it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ruler/alerting_rule.h"
#include "ruler/outputs.h"
#include "ruler/query_engine.h"
#include "ruler/rule_compile.h"

namespace ruler {

struct GroupEvalOptions {
  std::string tenant;
  int64_t interval_ns = 60'000'000'000;  // the group's effective interval
  int64_t resend_delay_ns = 60'000'000'000;
  model::LabelSet external_labels;
  std::string external_url;
  QueryEngine* engine = nullptr;
  SampleSink* samples = nullptr;  // may be null: nothing is recorded
  AlertSink* alerts = nullptr;    // may be null: nothing is sent
};

struct RuleStatus {
  const CompiledRule* rule = nullptr;
  std::string health = "unknown";  // "ok", "err", "unknown" (not evaluated yet)
  std::string last_error;
  int64_t last_eval_ns = 0;
  double eval_seconds = 0;
  AlertState state = AlertState::kInactive;  // alerting rules
  std::vector<Alert> alerts;                 // alerting rules: pending, firing, recently resolved
};

struct GroupStatus {
  std::string name_space;
  std::string name;
  int64_t interval_ns = 0;
  int64_t last_eval_ns = 0;
  double eval_seconds = 0;
  std::vector<RuleStatus> rules;
};

struct EvalOutcome {
  int rules = 0;
  int failed = 0;
  double seconds = 0;
};

// One alerting rule's alerts as saved across restarts (by rule index and name).
struct SavedRuleAlerts {
  size_t rule_index = 0;
  std::string alert_name;
  std::vector<Alert> alerts;
};

class GroupEvaluator {
 public:
  GroupEvaluator(std::shared_ptr<const CompiledGroup> group, GroupEvalOptions options);

  EvalOutcome evaluate(int64_t ts);
  // Staleness markers for every series this group recorded last (when the group is removed).
  void mark_all_stale(int64_t ts);

  GroupStatus status() const;
  const CompiledGroup& group() const { return *group_; }
  const GroupEvalOptions& options() const { return options_; }

  // Alert state, to carry across reloads (same rule name and query) and restarts.
  std::vector<SavedRuleAlerts> saved_alerts() const;
  void restore(const std::vector<SavedRuleAlerts>& saved);

 private:
  struct RuleRuntime {
    std::unique_ptr<AlertingRule> alerting;  // null for recording rules
    RuleStatus status;
    std::set<model::LabelSet> last_series;   // for staleness markers
  };
  util::Status eval_recording(const CompiledRule& r, const logql::QueryResult& result, int64_t ts,
                              std::vector<Sample>& out);

  std::shared_ptr<const CompiledGroup> group_;
  GroupEvalOptions options_;
  mutable std::mutex mu_;
  std::vector<RuleRuntime> rules_;
  int64_t last_eval_ns_ = 0;
  double eval_seconds_ = 0;
};

// Prometheus's generatorURL for an alert: external_url + /graph?g0.expr=<expr>&g0.tab=1.
std::string generator_url(const std::string& external_url, const std::string& expr);

}  // namespace ruler
