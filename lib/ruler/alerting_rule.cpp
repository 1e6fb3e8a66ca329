#include "ruler/alerting_rule.h"

#include <cstring>
#include <set>

namespace ruler {

std::string_view alert_state_name(AlertState s) {
  switch (s) {
    case AlertState::kInactive: return "inactive";
    case AlertState::kPending: return "pending";
    case AlertState::kFiring: return "firing";
  }
  return "inactive";
}

double stale_nan() {
  uint64_t bits = 0x7ff0000000000002ULL;
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

bool is_stale_nan(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == 0x7ff0000000000002ULL;
}

namespace {

// The samples of an instant query: a vector, or a scalar as one sample without labels.
std::vector<logql::VectorSample> samples_of(const logql::QueryResult& r) {
  if (r.type == logql::ResultType::Scalar) return {logql::VectorSample{model::LabelSet{}, r.scalar}};
  return r.vector;
}

Sample series_sample(const char* name, const Alert& a, int64_t ts, double v, bool with_state) {
  model::LabelSet l = a.labels;
  l.set("__name__", name);
  if (with_state) l.set("alertstate", alert_state_name(a.state));
  return Sample{std::move(l), ts, v};
}

}  // namespace

util::Status AlertingRule::apply(const logql::QueryResult& result, int64_t ts, int64_t limit,
                                 const AlertEvalEnv& env, std::vector<Sample>& out) {
  std::map<model::LabelSet, Alert> fresh;
  for (const logql::VectorSample& s : samples_of(result)) {
    model::LabelSet sample_labels = s.labels;
    sample_labels.erase("__name__");
    TemplateData data;
    data.labels = &sample_labels;
    data.value = s.point.v;
    data.external_labels = env.external_labels;
    data.external_url = env.external_url;
    data.query = env.query;
    model::LabelSet labels = sample_labels;
    for (const auto& [name, tmpl] : rule_->labels) labels.set(name, tmpl.expand(data));
    labels.set("alertname", rule_->rule.alert);
    Alert a;
    for (const auto& [name, tmpl] : rule_->annotations) a.annotations.emplace_back(name, tmpl.expand(data));
    a.labels = labels;
    a.value = s.point.v;
    a.active_at = ts;
    a.state = AlertState::kPending;
    if (!fresh.emplace(std::move(labels), std::move(a)).second) {
      active_.clear();
      return util::invalid_argument("vector contains metrics with the same labelset after applying alert labels");
    }
  }

  for (auto& [key, a] : fresh) {
    auto it = active_.find(key);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = std::move(a.annotations);
      it->second.keep_firing_since = 0;
      continue;
    }
    active_[key] = std::move(a);
  }

  const int64_t hold = rule_->rule.for_ns;
  const int64_t keep_firing_for = rule_->rule.keep_firing_for_ns;
  int64_t num_active = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (!fresh.count(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && keep_firing_for > 0) {
        if (a.keep_firing_since == 0) a.keep_firing_since = ts;
        keep_firing = ts - a.keep_firing_since < keep_firing_for;
      }
      if (a.state == AlertState::kPending || (a.resolved_at != 0 && ts - a.resolved_at > kResolvedRetention)) {
        it = active_.erase(it);
        continue;
      }
      if (a.state != AlertState::kInactive && !keep_firing) {
        a.state = AlertState::kInactive;
        a.resolved_at = ts;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      ++num_active;
    }
    if (a.state == AlertState::kPending && ts - a.active_at >= hold) {
      a.state = AlertState::kFiring;
      a.fired_at = ts;
    }
    ++it;
  }
  if (limit > 0 && num_active > limit) {
    active_.clear();
    return util::invalid_argument("exceeded limit of " + std::to_string(limit) + " with " +
                                  std::to_string(num_active) + " alerts");
  }
  for (const auto& [key, a] : active_) {
    if (a.state == AlertState::kInactive) continue;
    out.push_back(series_sample("ALERTS", a, ts, 1, true));
    // Prometheus records ActiveAt in whole seconds.
    out.push_back(series_sample("ALERTS_FOR_STATE", a, ts,
                                static_cast<double>(a.active_at / 1'000'000'000), false));
  }
  return {};
}

std::vector<Alert> AlertingRule::alerts_to_send(int64_t ts, int64_t resend_delay, int64_t interval) {
  std::vector<Alert> out;
  for (auto& [key, a] : active_) {
    if (a.state == AlertState::kPending) continue;
    bool due = a.resolved_at > a.last_sent_at || a.last_sent_at + resend_delay < ts || a.last_sent_at == 0;
    if (!due) continue;
    a.last_sent_at = ts;
    // Valid for four intervals: two missed evaluations or sends are tolerated.
    a.valid_until = ts + 4 * std::max(resend_delay, interval);
    out.push_back(a);
  }
  return out;
}

AlertState AlertingRule::state() const {
  AlertState s = AlertState::kInactive;
  for (const auto& [key, a] : active_) {
    if (a.state == AlertState::kFiring) return AlertState::kFiring;
    if (a.state == AlertState::kPending) s = AlertState::kPending;
  }
  return s;
}

std::vector<Alert> AlertingRule::alerts() const {
  std::vector<Alert> out;
  for (const auto& [key, a] : active_) out.push_back(a);
  return out;
}

void AlertingRule::restore(std::vector<Alert> alerts) {
  for (Alert& a : alerts) {
    model::LabelSet key = a.labels;
    active_[key] = std::move(a);
  }
}

}  // namespace ruler
