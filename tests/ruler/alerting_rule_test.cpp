#include <doctest/doctest.h>

#include <cmath>

#include "ruler/alert_state_file.h"
#include "ruler/alerting_rule.h"
#include "ruler/rule_compile.h"

namespace {

constexpr int64_t kS = 1'000'000'000;
constexpr int64_t kT0 = 1'700'000'000LL * kS;

ruler::CompiledGroup compile(const std::string& yaml) {
  std::vector<ruler::RuleError> errs;
  auto groups = ruler::compile_rule_file(yaml, "t.yaml", "t", errs);
  REQUIRE(errs.empty());
  REQUIRE(groups.size() == 1);
  return groups[0];
}

logql::QueryResult vec(std::vector<std::pair<model::LabelSet, double>> samples) {
  logql::QueryResult r;
  r.type = logql::ResultType::Vector;
  for (auto& [l, v] : samples) r.vector.push_back({l, {0, v}});
  return r;
}

const char* kRule = R"Y(groups:
  - name: g
    rules:
      - alert: Panics
        expr: sum by (app) (count_over_time({app="x"} |= "panic" [1m])) > 0
        for: 10s
        labels: {severity: page, app_copy: "{{ $labels.app }}"}
        annotations: {summary: "{{ $labels.app }}: {{ $value }} panics"}
)Y";

const ruler::Sample* find_series(const std::vector<ruler::Sample>& out, const std::string& name) {
  for (const auto& s : out) {
    if (s.labels.get("__name__") == name) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("alerting rule: pending, firing after `for`, resolved, with ALERTS and ALERTS_FOR_STATE") {
  auto g = compile(kRule);
  ruler::AlertingRule rule(&g.rules[0]);
  ruler::AlertEvalEnv env;
  model::LabelSet app{{"app", "some-app"}};
  std::vector<ruler::Sample> out;

  REQUIRE(rule.apply(vec({{app, 3}}), kT0, 0, env, out).ok());
  CHECK(rule.state() == ruler::AlertState::kPending);
  auto alerts = rule.alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].labels.to_string() == R"({alertname="Panics", app="some-app", app_copy="some-app", severity="page"})");
  CHECK(alerts[0].annotations == std::vector<std::pair<std::string, std::string>>{{"summary", "some-app: 3 panics"}});
  CHECK(alerts[0].active_at == kT0);
  const ruler::Sample* s = find_series(out, "ALERTS");
  REQUIRE(s);
  CHECK(s->labels.get("alertstate") == "pending");
  CHECK(s->v == 1);
  s = find_series(out, "ALERTS_FOR_STATE");
  REQUIRE(s);
  CHECK(s->v == 1'700'000'000.0);
  CHECK_FALSE(s->labels.has("alertstate"));
  CHECK(rule.alerts_to_send(kT0, 60 * kS, 10 * kS).empty());  // pending alerts are never sent

  out.clear();
  REQUIRE(rule.apply(vec({{app, 5}}), kT0 + 5 * kS, 0, env, out).ok());
  CHECK(rule.state() == ruler::AlertState::kPending);  // 5s < for

  out.clear();
  REQUIRE(rule.apply(vec({{app, 7}}), kT0 + 10 * kS, 0, env, out).ok());
  CHECK(rule.state() == ruler::AlertState::kFiring);
  CHECK(rule.alerts()[0].active_at == kT0);  // ActiveAt is kept
  CHECK(rule.alerts()[0].fired_at == kT0 + 10 * kS);
  CHECK(find_series(out, "ALERTS")->labels.get("alertstate") == "firing");
  auto sent = rule.alerts_to_send(kT0 + 10 * kS, 60 * kS, 10 * kS);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].valid_until == kT0 + 10 * kS + 4 * 60 * kS);
  // Resent only after resend_delay.
  CHECK(rule.alerts_to_send(kT0 + 20 * kS, 60 * kS, 10 * kS).empty());
  CHECK(rule.alerts_to_send(kT0 + 71 * kS, 60 * kS, 10 * kS).size() == 1);

  out.clear();
  REQUIRE(rule.apply(vec({}), kT0 + 80 * kS, 0, env, out).ok());
  CHECK(rule.state() == ruler::AlertState::kInactive);
  CHECK(out.empty());  // no ALERTS for inactive alerts
  auto resolved = rule.alerts_to_send(kT0 + 80 * kS, 60 * kS, 10 * kS);
  REQUIRE(resolved.size() == 1);  // the resolution goes out at once
  CHECK(resolved[0].resolved_at == kT0 + 80 * kS);
  // Kept 15 minutes, then forgotten.
  REQUIRE(rule.apply(vec({}), kT0 + 80 * kS + ruler::kResolvedRetention + kS, 0, env, out).ok());
  CHECK(rule.alerts().empty());
}

TEST_CASE("alerting rule: a pending alert that goes away is dropped; for: 0 fires at once") {
  auto g = compile(R"Y(groups:
  - name: g
    rules:
      - alert: Now
        expr: vector(1)
      - alert: Later
        expr: vector(1)
        for: 1m
)Y");
  ruler::AlertEvalEnv env;
  std::vector<ruler::Sample> out;
  ruler::AlertingRule now(&g.rules[0]);
  REQUIRE(now.apply(vec({{model::LabelSet{}, 1}}), kT0, 0, env, out).ok());
  CHECK(now.state() == ruler::AlertState::kFiring);

  ruler::AlertingRule later(&g.rules[1]);
  REQUIRE(later.apply(vec({{model::LabelSet{}, 1}}), kT0, 0, env, out).ok());
  REQUIRE(later.apply(vec({}), kT0 + kS, 0, env, out).ok());
  CHECK(later.alerts().empty());
}

TEST_CASE("alerting rule: keep_firing_for holds a firing alert; limits and duplicate label sets fail") {
  auto g = compile(R"Y(groups:
  - name: g
    limit: 1
    rules:
      - alert: Sticky
        expr: vector(1)
        keep_firing_for: 30s
)Y");
  ruler::AlertEvalEnv env;
  std::vector<ruler::Sample> out;
  ruler::AlertingRule rule(&g.rules[0]);
  model::LabelSet a{{"x", "1"}}, b{{"x", "2"}};
  REQUIRE(rule.apply(vec({{a, 1}}), kT0, 1, env, out).ok());
  CHECK(rule.state() == ruler::AlertState::kFiring);
  REQUIRE(rule.apply(vec({}), kT0 + 10 * kS, 1, env, out).ok());
  CHECK(rule.state() == ruler::AlertState::kFiring);  // kept firing
  REQUIRE(rule.apply(vec({}), kT0 + 45 * kS, 1, env, out).ok());
  CHECK(rule.state() == ruler::AlertState::kInactive);

  auto st = rule.apply(vec({{a, 1}, {b, 1}}), kT0 + 50 * kS, 1, env, out);
  CHECK_FALSE(st.ok());
  CHECK(st.error() == "exceeded limit of 1 with 2 alerts");
  CHECK(rule.alerts().empty());
  st = rule.apply(vec({{model::LabelSet{{"x", "1"}, {"__name__", "m"}}, 1}, {a, 2}}), kT0 + 60 * kS, 0, env, out);
  CHECK(st.error() == "vector contains metrics with the same labelset after applying alert labels");
}

TEST_CASE("alert state file: round trip and the restore policy") {
  ruler::Alert a;
  a.labels = model::LabelSet{{"alertname", "X"}, {"app", "y"}};
  a.annotations = {{"summary", "s"}};
  a.state = ruler::AlertState::kFiring;
  a.value = 2.5;
  a.active_at = kT0;
  a.fired_at = kT0 + 10 * kS;
  a.last_sent_at = kT0 + 10 * kS;
  ruler::TenantAlertState st;
  st.saved_at_ns = kT0 + 20 * kS;
  st.groups.push_back({"ns", "g", {{0, "X", {a}}}});
  auto back = ruler::decode_alert_state(ruler::encode_alert_state(st));
  REQUIRE(back.ok());
  REQUIRE(back->groups.size() == 1);
  const ruler::Alert& r = back->groups[0].rules[0].alerts[0];
  CHECK(r.labels == a.labels);
  CHECK(r.annotations == a.annotations);
  CHECK(r.state == ruler::AlertState::kFiring);
  CHECK(r.active_at == kT0);
  CHECK(r.last_sent_at == a.last_sent_at);
  CHECK_FALSE(ruler::decode_alert_state("{not json").ok());

  ruler::RestorePolicy policy;  // 1h tolerance, 10m grace
  ruler::Alert p = a;
  p.state = ruler::AlertState::kPending;
  // Short `for`: ActiveAt kept.
  auto kept = ruler::restore_alerts({p}, kT0 + 20 * kS, kT0 + 30 * kS, 10 * kS, policy);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].active_at == kT0);
  // Too long an outage: nothing restored.
  CHECK(ruler::restore_alerts({p}, kT0, kT0 + 2 * 3600 * kS, 10 * kS, policy).empty());
  // Long `for` with little left: at least the grace period after the restart.
  int64_t for_ns = 15 * 60 * kS, now = kT0 + 14 * 60 * kS;
  auto graced = ruler::restore_alerts({p}, kT0 + 13 * 60 * kS, now, for_ns, policy);
  CHECK(graced[0].active_at == now + 10 * 60 * kS - for_ns);
  // Long `for` with much left: shifted by the downtime.
  auto shifted = ruler::restore_alerts({p}, kT0 + 60 * kS, kT0 + 120 * kS, 60 * 60 * kS, policy);
  CHECK(shifted[0].active_at == kT0 + 60 * kS);
}

TEST_CASE("alerting rule: a restored firing alert is not re-sent before resend_delay, nor reset") {
  auto g = compile(kRule);
  ruler::AlertingRule rule(&g.rules[0]);
  model::LabelSet app{{"app", "some-app"}};
  ruler::AlertEvalEnv env;
  std::vector<ruler::Sample> out;
  REQUIRE(rule.apply(vec({{app, 1}}), kT0, 0, env, out).ok());
  REQUIRE(rule.apply(vec({{app, 1}}), kT0 + 10 * kS, 0, env, out).ok());
  REQUIRE(rule.alerts_to_send(kT0 + 10 * kS, 60 * kS, 10 * kS).size() == 1);
  auto saved = rule.alerts();

  ruler::AlertingRule after_restart(&g.rules[0]);  // a new process
  after_restart.restore(saved);
  REQUIRE(after_restart.apply(vec({{app, 1}}), kT0 + 20 * kS, 0, env, out).ok());
  CHECK(after_restart.state() == ruler::AlertState::kFiring);
  CHECK(after_restart.alerts()[0].active_at == kT0);
  CHECK(after_restart.alerts()[0].fired_at == kT0 + 10 * kS);
  CHECK(after_restart.alerts_to_send(kT0 + 20 * kS, 60 * kS, 10 * kS).empty());
  CHECK(after_restart.alerts_to_send(kT0 + 71 * kS, 60 * kS, 10 * kS).size() == 1);
}

TEST_CASE("staleness marker is Prometheus's NaN") {
  CHECK(std::isnan(ruler::stale_nan()));
  CHECK(ruler::is_stale_nan(ruler::stale_nan()));
  CHECK_FALSE(ruler::is_stale_nan(std::nan("")));
}
