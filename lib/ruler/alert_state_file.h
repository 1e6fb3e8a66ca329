// The alert state that survives a restart: for each tenant, a JSON file
// <rule_path>/<tenant>/alerts.json with every held alert (labels, annotations, state, value,
// ActiveAt, FiredAt, ResolvedAt, LastSentAt, ...) by namespace, group and rule, and when it was
// saved. After a restart a pending alert keeps its ActiveAt (its `for` is not reset) and a
// firing alert keeps its LastSentAt (it is not re-sent before resend_delay), as long as the
// ruler was down less than for_outage_tolerance. As Prometheus does when it restores
// ALERTS_FOR_STATE, an alert whose `for` is at least for_grace_period gets at least the grace
// period after the restart before it fires.
//
// Thread-safety: pure functions over values, plus atomic file I/O.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ruler/group_evaluator.h"
#include "util/result.h"

namespace ruler {

struct SavedGroupState {
  std::string name_space;
  std::string group;
  std::vector<SavedRuleAlerts> rules;
};

struct TenantAlertState {
  int64_t saved_at_ns = 0;
  std::vector<SavedGroupState> groups;
};

std::string encode_alert_state(const TenantAlertState& state);
util::Result<TenantAlertState> decode_alert_state(std::string_view json);

util::Status save_alert_state(const std::string& path, const TenantAlertState& state);
// kNotFound when there is no file.
util::Result<TenantAlertState> load_alert_state(const std::string& path);

struct RestorePolicy {
  int64_t outage_tolerance_ns = 3600LL * 1'000'000'000;
  int64_t grace_period_ns = 600LL * 1'000'000'000;
};

// The alerts of one rule as they should be restored at `now`: none when the outage was too long;
// pending alerts' ActiveAt shifted per the grace period rule when `for_ns` >= the grace period.
std::vector<Alert> restore_alerts(std::vector<Alert> alerts, int64_t saved_at_ns, int64_t now_ns, int64_t for_ns,
                                  const RestorePolicy& policy);

}  // namespace ruler
