#include "ruler/alert_state_file.h"

#include <nlohmann/json.hpp>

#include "fsutil/atomic_file.h"

namespace ruler {
namespace {

using nlohmann::json;

json alert_json(const Alert& a) {
  json labels = json::object(), annotations = json::array();
  for (const auto& l : a.labels) labels[l.name] = l.value;
  for (const auto& [k, v] : a.annotations) annotations.push_back({k, v});
  return json{{"labels", labels},
              {"annotations", annotations},
              {"state", std::string(alert_state_name(a.state))},
              {"value", a.value},
              {"active_at", a.active_at},
              {"fired_at", a.fired_at},
              {"resolved_at", a.resolved_at},
              {"last_sent_at", a.last_sent_at},
              {"valid_until", a.valid_until},
              {"keep_firing_since", a.keep_firing_since}};
}

Alert alert_from(const json& j) {
  Alert a;
  std::vector<model::Label> labels;
  for (const auto& [k, v] : j.at("labels").items()) labels.push_back({k, v.get<std::string>()});
  a.labels = model::LabelSet::from_unsorted(std::move(labels));
  for (const auto& p : j.at("annotations")) a.annotations.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
  std::string st = j.at("state").get<std::string>();
  a.state = st == "firing" ? AlertState::kFiring : st == "pending" ? AlertState::kPending : AlertState::kInactive;
  a.value = j.at("value").is_number() ? j.at("value").get<double>() : 0;
  a.active_at = j.at("active_at").get<int64_t>();
  a.fired_at = j.at("fired_at").get<int64_t>();
  a.resolved_at = j.at("resolved_at").get<int64_t>();
  a.last_sent_at = j.at("last_sent_at").get<int64_t>();
  a.valid_until = j.at("valid_until").get<int64_t>();
  a.keep_firing_since = j.at("keep_firing_since").get<int64_t>();
  return a;
}

}  // namespace

std::string encode_alert_state(const TenantAlertState& state) {
  json groups = json::array();
  for (const SavedGroupState& g : state.groups) {
    json rules = json::array();
    for (const SavedRuleAlerts& r : g.rules) {
      json alerts = json::array();
      for (const Alert& a : r.alerts) alerts.push_back(alert_json(a));
      rules.push_back({{"index", r.rule_index}, {"alert", r.alert_name}, {"alerts", alerts}});
    }
    groups.push_back({{"namespace", g.name_space}, {"group", g.group}, {"rules", rules}});
  }
  // NaN values (a NaN sample can fire an alert) are not JSON: dump() writes them as null.
  return json{{"saved_at", state.saved_at_ns}, {"groups", groups}}.dump() + "\n";
}

util::Result<TenantAlertState> decode_alert_state(std::string_view text) {
  try {
    json j = json::parse(text);
    TenantAlertState s;
    s.saved_at_ns = j.at("saved_at").get<int64_t>();
    for (const auto& g : j.at("groups")) {
      SavedGroupState gs;
      gs.name_space = g.at("namespace").get<std::string>();
      gs.group = g.at("group").get<std::string>();
      for (const auto& r : g.at("rules")) {
        SavedRuleAlerts ra;
        ra.rule_index = r.at("index").get<size_t>();
        ra.alert_name = r.at("alert").get<std::string>();
        for (const auto& a : r.at("alerts")) ra.alerts.push_back(alert_from(a));
        gs.rules.push_back(std::move(ra));
      }
      s.groups.push_back(std::move(gs));
    }
    return s;
  } catch (const std::exception& e) {
    return util::corruption(std::string("alert state file: ") + e.what());
  }
}

util::Status save_alert_state(const std::string& path, const TenantAlertState& state) {
  if (auto st = fsutil::create_directories(fsutil::parent_directory(path)); !st.ok()) return st;
  return fsutil::write_file_atomically(path, encode_alert_state(state));
}

util::Result<TenantAlertState> load_alert_state(const std::string& path) {
  auto text = fsutil::read_file(path);
  if (!text.ok()) return util::not_found(text.error());
  return decode_alert_state(*text);
}

std::vector<Alert> restore_alerts(std::vector<Alert> alerts, int64_t saved_at_ns, int64_t now_ns, int64_t for_ns,
                                  const RestorePolicy& policy) {
  if (now_ns - saved_at_ns > policy.outage_tolerance_ns) return {};
  if (for_ns < policy.grace_period_ns) return alerts;
  for (Alert& a : alerts) {
    if (a.state != AlertState::kPending) continue;
    int64_t remaining = for_ns - (saved_at_ns - a.active_at);
    if (remaining <= 0) continue;
    if (remaining < policy.grace_period_ns) a.active_at = now_ns + policy.grace_period_ns - for_ns;
    else a.active_at += now_ns - saved_at_ns;
  }
  return alerts;
}

}  // namespace ruler
