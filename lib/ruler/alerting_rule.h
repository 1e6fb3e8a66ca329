// AlertingRule: one alerting rule's state machine, as Prometheus's AlertingRule.Eval runs it.
//
// Each evaluation takes the rule's query result at time ts:
//  - every sample becomes an alert keyed by its labels (sample labels minus __name__, plus the
//    rule's expanded labels and alertname); a new one starts pending with ActiveAt = ts; a known
//    one keeps its ActiveAt and state and takes the new value and annotations;
//  - a pending alert whose `for` has elapsed (ts - ActiveAt >= for) fires (FiredAt = ts);
//  - an alert no longer returned is dropped if pending, or resolved (ResolvedAt = ts) if firing,
//    unless keep_firing_for holds it firing; a resolved alert is kept 15 minutes so that
//    Alertmanager hears about the resolution (and resends of it);
//  - the ALERTS{alertstate} and ALERTS_FOR_STATE series of every pending or firing alert are
//    produced for recording.
// alerts_to_send() then says what to (re)send: firing alerts every resend_delay, resolved ones
// once right away, never pending ones.
//
// Thread-safety: none; GroupEvaluator serializes access.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "logql/eval/engine.h"
#include "ruler/alert.h"
#include "ruler/rule_compile.h"
#include "ruler/rule_template.h"
#include "util/result.h"

namespace ruler {

// How long a resolved alert is kept (and resent) after it resolved: Prometheus's 15 minutes.
inline constexpr int64_t kResolvedRetention = 15LL * 60 * 1'000'000'000;

struct AlertEvalEnv {
  const model::LabelSet* external_labels = nullptr;
  std::string_view external_url;
  TemplateQuery query;  // for templates' `query`
};

class AlertingRule {
 public:
  explicit AlertingRule(const CompiledRule* rule) : rule_(rule) {}

  // Applies one evaluation's result at `ts`; ALERTS and ALERTS_FOR_STATE samples go to `out`.
  // Errors (duplicate label sets, limit exceeded) leave no active alert, as in Prometheus.
  util::Status apply(const logql::QueryResult& result, int64_t ts, int64_t limit, const AlertEvalEnv& env,
                     std::vector<Sample>& out);

  // Marks and returns the alerts due for (re)sending at `ts`.
  std::vector<Alert> alerts_to_send(int64_t ts, int64_t resend_delay, int64_t interval);

  // The highest state of any alert: firing > pending > inactive.
  AlertState state() const;
  // Every alert held (pending, firing and recently resolved).
  std::vector<Alert> alerts() const;
  // Restores alerts saved before a restart (see alert_state_file.h).
  void restore(std::vector<Alert> alerts);

  const CompiledRule& rule() const { return *rule_; }

 private:
  const CompiledRule* rule_;
  std::map<model::LabelSet, Alert> active_;
};

}  // namespace ruler
