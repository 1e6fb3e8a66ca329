#include "ruler/group_evaluator.h"

#include <chrono>
#include <map>

#include "logql/template/functions.h"


namespace ruler {
namespace {

std::vector<logql::VectorSample> samples_of(const logql::QueryResult& r) {
  if (r.type == logql::ResultType::Scalar) return {logql::VectorSample{model::LabelSet{}, r.scalar}};
  return r.vector;
}

}  // namespace

std::string generator_url(const std::string& external_url, const std::string& expr) {
  std::string base = external_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/graph?g0.expr=" + logql::tmpl::url_query_escape(expr) + "&g0.tab=1";
}

GroupEvaluator::GroupEvaluator(std::shared_ptr<const CompiledGroup> group, GroupEvalOptions options)
    : group_(std::move(group)), options_(std::move(options)) {
  rules_.resize(group_->rules.size());
  for (size_t i = 0; i < group_->rules.size(); ++i) {
    const CompiledRule& r = group_->rules[i];
    rules_[i].status.rule = &r;
    if (r.rule.is_alert()) rules_[i].alerting = std::make_unique<AlertingRule>(&r);
  }
}

util::Status GroupEvaluator::eval_recording(const CompiledRule& r, const logql::QueryResult& result, int64_t ts,
                                            std::vector<Sample>& out) {
  std::set<model::LabelSet> seen;
  size_t first = out.size();
  for (const logql::VectorSample& s : samples_of(result)) {
    model::LabelSet l = s.labels;
    l.set("__name__", r.rule.record);
    for (const auto& [name, tmpl] : r.labels) l.set(name, tmpl.text());  // empty value removes
    if (!seen.insert(l).second) {
      out.resize(first);
      return util::invalid_argument("vector contains metrics with the same labelset after applying rule labels");
    }
    out.push_back(Sample{std::move(l), ts, s.point.v});
  }
  int64_t limit = group_->group.limit;
  if (limit > 0 && static_cast<int64_t>(seen.size()) > limit) {
    out.resize(first);
    return util::invalid_argument("exceeded limit of " + std::to_string(limit) + " with " +
                                  std::to_string(seen.size()) + " series");
  }
  return {};
}

EvalOutcome GroupEvaluator::evaluate(int64_t ts) {
  using Steady = std::chrono::steady_clock;
  auto group_start = Steady::now();
  EvalOutcome outcome;
  std::vector<Sample> samples;
  std::vector<NotifierAlert> to_send;
  AlertEvalEnv env;
  env.external_labels = &options_.external_labels;
  env.external_url = options_.external_url;
  env.query = [this, ts](const std::string& q) { return options_.engine->instant_query(options_.tenant, q, ts); };

  for (size_t i = 0; i < group_->rules.size(); ++i) {
    const CompiledRule& r = group_->rules[i];
    auto start = Steady::now();
    auto result = options_.engine->instant_query(options_.tenant, r.rule.expr, ts);
    size_t first = samples.size();
    util::Status st = result.ok() ? util::Status() : util::Status(result.status_error());
    std::lock_guard lock(mu_);
    RuleRuntime& rt = rules_[i];
    if (st.ok()) {
      if (rt.alerting) st = rt.alerting->apply(*result, ts, group_->group.limit, env, samples);
      else st = eval_recording(r, *result, ts, samples);
    }
    ++outcome.rules;
    if (st.ok()) {
      // Series this rule produced last time but not now end with a staleness marker.
      std::set<model::LabelSet> current;
      for (size_t k = first; k < samples.size(); ++k) current.insert(samples[k].labels);
      for (const auto& old : rt.last_series) {
        if (!current.count(old)) samples.push_back(Sample{old, ts, stale_nan()});
      }
      rt.last_series = std::move(current);
      rt.status.health = "ok";
      rt.status.last_error.clear();
    } else {
      ++outcome.failed;
      rt.status.health = "err";
      rt.status.last_error = st.error();
    }
    if (rt.alerting) {
      for (Alert& a : rt.alerting->alerts_to_send(ts, options_.resend_delay_ns, options_.interval_ns)) {
        NotifierAlert n;
        n.labels = std::move(a.labels);
        n.annotations = std::move(a.annotations);
        n.starts_at = a.fired_at;
        n.ends_at = a.resolved_at != 0 ? a.resolved_at : a.valid_until;
        n.generator_url = generator_url(options_.external_url, r.rule.expr);
        to_send.push_back(std::move(n));
      }
      rt.status.state = rt.alerting->state();
      rt.status.alerts = rt.alerting->alerts();
    }
    rt.status.last_eval_ns = ts;
    rt.status.eval_seconds = std::chrono::duration<double>(Steady::now() - start).count();
  }
  outcome.seconds = std::chrono::duration<double>(Steady::now() - group_start).count();
  {
    std::lock_guard lock(mu_);
    last_eval_ns_ = ts;
    eval_seconds_ = outcome.seconds;
  }
  if (options_.samples && !samples.empty()) options_.samples->append(options_.tenant, std::move(samples));
  if (options_.alerts && !to_send.empty()) options_.alerts->send(options_.tenant, std::move(to_send));
  return outcome;
}

void GroupEvaluator::mark_all_stale(int64_t ts) {
  std::vector<Sample> samples;
  {
    std::lock_guard lock(mu_);
    for (RuleRuntime& rt : rules_) {
      for (const auto& l : rt.last_series) samples.push_back(Sample{l, ts, stale_nan()});
      rt.last_series.clear();
    }
  }
  if (options_.samples && !samples.empty()) options_.samples->append(options_.tenant, std::move(samples));
}

GroupStatus GroupEvaluator::status() const {
  std::lock_guard lock(mu_);
  GroupStatus s;
  s.name_space = group_->name_space;
  s.name = group_->group.name;
  s.interval_ns = options_.interval_ns;
  s.last_eval_ns = last_eval_ns_;
  s.eval_seconds = eval_seconds_;
  for (const RuleRuntime& rt : rules_) s.rules.push_back(rt.status);
  return s;
}

std::vector<SavedRuleAlerts> GroupEvaluator::saved_alerts() const {
  std::lock_guard lock(mu_);
  std::vector<SavedRuleAlerts> out;
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (!rules_[i].alerting) continue;
    auto alerts = rules_[i].alerting->alerts();
    if (alerts.empty()) continue;
    out.push_back(SavedRuleAlerts{i, group_->rules[i].rule.alert, std::move(alerts)});
  }
  return out;
}

void GroupEvaluator::restore(const std::vector<SavedRuleAlerts>& saved) {
  std::lock_guard lock(mu_);
  for (const SavedRuleAlerts& s : saved) {
    // Same position and name: the same rule (a renamed or moved rule starts afresh).
    if (s.rule_index >= rules_.size() || !rules_[s.rule_index].alerting ||
        group_->rules[s.rule_index].rule.alert != s.alert_name) {
      continue;
    }
    RuleRuntime& rt = rules_[s.rule_index];
    rt.alerting->restore(s.alerts);
    rt.status.state = rt.alerting->state();
    rt.status.alerts = rt.alerting->alerts();
  }
}

}  // namespace ruler
