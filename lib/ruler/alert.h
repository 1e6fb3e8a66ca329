// An alert as an alerting rule tracks it, and the samples rules produce, with Prometheus's
// semantics and names (rules/alerting.go): states inactive -> pending -> firing -> inactive
// (resolved), ActiveAt/FiredAt/ResolvedAt/LastSentAt/ValidUntil/KeepFiringSince.
// Plain values; times are ns since the epoch (0: never).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/labels.h"

namespace ruler {

enum class AlertState { kInactive, kPending, kFiring };

// "inactive", "pending", "firing" (the API's and ALERTS' alertstate words).
std::string_view alert_state_name(AlertState s);

struct Alert {
  model::LabelSet labels;  // the sample's labels (without __name__), rule labels, alertname
  std::vector<std::pair<std::string, std::string>> annotations;  // expanded, in name order
  AlertState state = AlertState::kPending;
  double value = 0;
  int64_t active_at = 0;
  int64_t fired_at = 0;
  int64_t resolved_at = 0;
  int64_t last_sent_at = 0;
  int64_t valid_until = 0;
  int64_t keep_firing_since = 0;
};

// A sample a rule produced: recorded series, ALERTS and ALERTS_FOR_STATE. `labels` holds
// __name__. Staleness markers carry Prometheus's stale NaN.
struct Sample {
  model::LabelSet labels;
  int64_t t_ns = 0;
  double v = 0;
};

// Prometheus's staleness marker (value.StaleNaN, 0x7ff0000000000002) and its test.
double stale_nan();
bool is_stale_nan(double v);

// What goes to Alertmanager (notifier.Alert): times as ns, 0 for unset.
struct NotifierAlert {
  model::LabelSet labels;
  std::vector<std::pair<std::string, std::string>> annotations;
  int64_t starts_at = 0;
  int64_t ends_at = 0;
  std::string generator_url;
};

}  // namespace ruler
