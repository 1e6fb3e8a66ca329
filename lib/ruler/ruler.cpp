#include "ruler/ruler.h"

#include <algorithm>
#include <limits>

#include "golang/quote.h"
#include "ruler/rule_compile.h"

namespace ruler {
namespace {

constexpr int64_t kStateSaveInterval = 1'000'000'000;  // dirty alert state is written within a second

std::string group_key(const std::string& tenant, const std::string& ns, const std::string& group) {
  std::string k = tenant;
  k += '\0';
  k += ns;
  k += '\0';
  k += group;
  return k;
}

}  // namespace

Ruler::Ruler(RulerOptions options, RuleStore& store, QueryEngine& engine, util::Clock& clock)
    : options_(std::move(options)), store_(store), engine_(engine), clock_(clock), scheduler_(clock, options_.workers) {}

Ruler::~Ruler() { stop(); }

void Ruler::log(const std::string& level, const std::string& msg, const std::string& fields) const {
  if (options_.log) options_.log(level, msg, fields);
}

bool Ruler::tenant_enabled(const std::string& tenant) const {
  if (!options_.enabled_tenants.empty() && !options_.enabled_tenants.count(tenant)) return false;
  return !options_.disabled_tenants.count(tenant);
}

std::string Ruler::state_path(const std::string& tenant) const {
  return options_.rule_path.empty() ? "" : options_.rule_path + "/" + tenant + "/alerts.json";
}

void Ruler::start() {
  {
    std::lock_guard lock(mu_);
    if (started_) return;
    started_ = true;
  }
  if (!options_.rule_path.empty()) {
    auto tenants = store_.list_tenants();
    for (const std::string& t : tenants.ok() ? *tenants : std::vector<std::string>{}) {
      auto st = load_alert_state(state_path(t));
      if (st.ok()) {
        std::lock_guard lock(mu_);
        restored_[t] = std::move(*st);
      } else if (st.code() != util::ErrorCode::kNotFound) {
        log("warn", "alert state not restored", "tenant=" + t + " err=" + golang::quote(st.error()));
      }
    }
  }
  sync();
  // The next poll is due one interval after this sync, not after the thread gets to run (under
  // load that can be later, and a clock advanced meanwhile would push the poll back by as much).
  const int64_t next_poll = clock_.now_ns() + options_.poll_interval_ns;
  scheduler_.start();
  housekeeper_ = std::thread([this, next_poll] { housekeeping(next_poll); });
}

void Ruler::stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stop_.stop_requested()) return;
    stop_.request_stop();
    wake_.request_stop();
  }
  if (housekeeper_.joinable()) housekeeper_.join();
  scheduler_.stop();
  std::set<std::string> tenants;
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, g] : groups_) tenants.insert(g->tenant);
  }
  for (const std::string& t : tenants) save_state(t);
  std::lock_guard lock(mu_);
  for (auto& [t, o] : outputs_) {
    if (o.notifier) o.notifier->stop();
    for (auto& w : o.writers) w->stop();
  }
}

void Ruler::sync() {
  std::lock_guard sync_lock(sync_mu_);
  auto tenants = store_.list_tenants();
  if (!tenants.ok()) {
    log("error", "listing rule tenants failed", "err=" + golang::quote(tenants.error()));
    return;
  }
  std::map<std::string, std::pair<std::string, std::shared_ptr<const CompiledGroup>>> desired;
  std::map<std::string, std::vector<RuleError>> errors;
  std::set<SourceKey> present;
  for (const std::string& tenant : *tenants) {
    if (!tenant_enabled(tenant)) continue;
    auto namespaces = store_.list_namespaces(tenant);
    if (!namespaces.ok()) {
      log("error", "listing rule namespaces failed", "tenant=" + tenant + " err=" + golang::quote(namespaces.error()));
      continue;
    }
    for (const std::string& ns : *namespaces) {
      auto sources = store_.load_namespace(tenant, ns);
      if (!sources.ok()) {
        if (sources.code() == util::ErrorCode::kNotFound) continue;  // gone since the listing
        // The store did not answer: keep what runs from this namespace until it does.
        log("error", "reading rule namespace failed",
            "tenant=" + tenant + " namespace=" + golang::quote(ns) + " err=" + golang::quote(sources.error()));
        std::lock_guard lock(mu_);
        for (const auto& [key, groups] : last_good_) {
          if (std::get<0>(key) != tenant || std::get<1>(key) != ns) continue;
          present.insert(key);
          for (const CompiledGroup& g : groups) {
            desired[group_key(tenant, ns, g.group.name)] = {tenant, std::make_shared<const CompiledGroup>(g)};
          }
        }
        continue;
      }
      for (RuleSource& source : *sources) {
        SourceKey skey{tenant, ns, source.location};
        present.insert(skey);
        std::vector<RuleError> errs = std::move(source.errors);
        std::vector<CompiledGroup> groups;
        if (errs.empty()) {
          for (const RuleGroup& g : source.groups) {
            if (auto c = compile_group(g, source.location, errs)) {
              c->name_space = ns;
              groups.push_back(std::move(*c));
            }
          }
        }
        std::string joined;
        for (const RuleError& e : errs) joined += e.to_string() + "\n";
        if (logged_errors_[skey] != joined) {  // each problem is logged once, not every poll
          for (const RuleError& e : errs) {
            log("error", "rule file not loaded",
                "tenant=" + tenant + " namespace=" + golang::quote(ns) + " err=" + golang::quote(e.to_string()));
          }
          logged_errors_[skey] = joined;
        }
        if (!errs.empty()) {  // a source loads whole or not at all
          auto& tenant_errs = errors[tenant];
          tenant_errs.insert(tenant_errs.end(), errs.begin(), errs.end());
          std::lock_guard lock(mu_);
          auto it = last_good_.find(skey);
          groups = it != last_good_.end() ? it->second : std::vector<CompiledGroup>{};  // keep the last good version
        } else {
          std::lock_guard lock(mu_);
          last_good_[skey] = groups;
        }
        for (CompiledGroup& g : groups) {
          std::string key = group_key(tenant, ns, g.group.name);
          desired[key] = {tenant, std::make_shared<const CompiledGroup>(std::move(g))};
        }
      }
    }
  }

  std::vector<std::shared_ptr<ActiveGroup>> removed;
  {
    std::lock_guard lock(mu_);
    for (auto it = last_good_.begin(); it != last_good_.end();) {
      it = present.count(it->first) ? std::next(it) : last_good_.erase(it);
    }
    for (auto it = logged_errors_.begin(); it != logged_errors_.end();) {
      it = present.count(it->first) ? std::next(it) : logged_errors_.erase(it);
    }
    for (auto it = groups_.begin(); it != groups_.end();) {
      if (desired.count(it->first)) {
        ++it;
        continue;
      }
      scheduler_.remove(it->first);
      dirty_.insert(it->second->tenant);
      removed.push_back(it->second);
      it = groups_.erase(it);
    }
    for (auto& [key, want] : desired) {
      const auto& [tenant, compiled] = want;
      int64_t interval = compiled->group.interval_ns > 0 ? compiled->group.interval_ns : options_.evaluation_interval_ns;
      auto it = groups_.find(key);
      if (it != groups_.end() && it->second->compiled->group == compiled->group &&
          it->second->evaluator->options().interval_ns == interval) {
        continue;  // unchanged
      }
      GroupEvalOptions eo;
      eo.tenant = tenant;
      eo.interval_ns = interval;
      eo.resend_delay_ns = options_.resend_delay_ns;
      eo.external_labels = options_.external_labels;
      eo.external_url = options_.external_url;
      eo.engine = &engine_;
      eo.samples = this;
      eo.alerts = this;
      auto ag = std::make_shared<ActiveGroup>();
      ag->tenant = tenant;
      ag->compiled = compiled;
      ag->evaluator = std::make_shared<GroupEvaluator>(compiled, eo);
      ag->stats.tenant = tenant;
      ag->stats.name_space = compiled->name_space;
      ag->stats.group = compiled->group.name;
      if (it != groups_.end()) {
        ag->evaluator->restore(it->second->evaluator->saved_alerts());
        GroupStats old = it->second->stats;
        ag->stats.evaluations = old.evaluations;
        ag->stats.failures = old.failures;
        ag->stats.duration_sum = old.duration_sum;
        ag->stats.last_duration = old.last_duration;
        ag->stats.iterations = old.iterations;
      } else if (auto rs = restored_.find(tenant); rs != restored_.end()) {
        for (const SavedGroupState& sg : rs->second.groups) {
          if (sg.name_space != compiled->name_space || sg.group != compiled->group.name) continue;
          std::vector<SavedRuleAlerts> rules = sg.rules;
          for (SavedRuleAlerts& r : rules) {
            if (r.rule_index >= compiled->rules.size()) continue;
            r.alerts = restore_alerts(std::move(r.alerts), rs->second.saved_at_ns, clock_.now_ns(),
                                      compiled->rules[r.rule_index].rule.for_ns, options_.restore);
          }
          ag->evaluator->restore(rules);
          log("info", "alert state restored",
              "tenant=" + tenant + " namespace=" + golang::quote(sg.name_space) + " group=" + golang::quote(sg.group));
        }
      }
      ag->stats.rules = compiled->rules.size();
      ag->stats.interval_ns = interval;
      groups_[key] = ag;
      scheduler_.upsert(ScheduledGroup{key, interval, [this, key](int64_t tick) { run_group(key, tick); }});
    }
    load_errors_ = std::move(errors);
  }
  int64_t now = clock_.now_ns();
  for (auto& g : removed) g->evaluator->mark_all_stale(now);
}

void Ruler::run_group(const std::string& key, int64_t tick) {
  std::shared_ptr<ActiveGroup> g;
  {
    std::lock_guard lock(mu_);
    auto it = groups_.find(key);
    if (it == groups_.end()) return;
    g = it->second;
  }
  EvalOutcome out = g->evaluator->evaluate(tick);
  std::lock_guard lock(mu_);
  g->stats.evaluations += static_cast<uint64_t>(out.rules);
  g->stats.failures += static_cast<uint64_t>(out.failed);
  g->stats.iterations += 1;
  g->stats.duration_sum += out.seconds;
  g->stats.last_duration = out.seconds;
  for (const CompiledRule& r : g->compiled->rules) {
    if (r.rule.is_alert()) {
      dirty_.insert(g->tenant);
      break;
    }
  }
}

void Ruler::housekeeping(int64_t next_poll) {
  while (!stop_.stop_requested()) {
    int64_t next_save = clock_.now_ns() + kStateSaveInterval;
    std::stop_token token;
    {
      std::lock_guard lock(mu_);
      if (wake_.stop_requested() && !stop_.stop_requested()) wake_ = std::stop_source();
      token = wake_.get_token();
    }
    clock_.sleep_until(std::min(next_poll, next_save), token);
    if (stop_.stop_requested()) break;
    if (clock_.now_ns() >= next_poll) {
      sync();
      next_poll = clock_.now_ns() + options_.poll_interval_ns;
    }
    std::set<std::string> dirty;
    {
      std::lock_guard lock(mu_);
      dirty.swap(dirty_);
    }
    for (const std::string& t : dirty) save_state(t);
  }
}

void Ruler::save_state(const std::string& tenant) {
  std::string path = state_path(tenant);
  if (path.empty()) return;
  TenantAlertState state;
  state.saved_at_ns = clock_.now_ns();
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, g] : groups_) {
      if (g->tenant != tenant) continue;
      SavedGroupState sg;
      sg.name_space = g->compiled->name_space;
      sg.group = g->compiled->group.name;
      sg.rules = g->evaluator->saved_alerts();
      if (!sg.rules.empty()) state.groups.push_back(std::move(sg));
    }
  }
  if (auto st = save_alert_state(path, state); !st.ok()) {
    log("warn", "saving alert state failed", "tenant=" + tenant + " err=" + golang::quote(st.error()));
  }
}

Ruler::TenantOutputs& Ruler::outputs(const std::string& tenant) {
  // REQUIRES: mu_ held.
  auto [it, inserted] = outputs_.try_emplace(tenant);
  if (inserted) {
    TenantOutputs& o = it->second;
    if (!options_.alertmanager.urls.empty()) {
      o.notifier = std::make_unique<AlertmanagerNotifier>(options_.alertmanager, tenant, clock_);
      o.notifier->start();
    }
    for (const RemoteWriteConfig& c : options_.remote_write) {
      auto w = std::make_unique<RemoteWriteQueue>(c, options_.add_org_id_header ? tenant : "", clock_);
      w->start();
      o.writers.push_back(std::move(w));
    }
  }
  return it->second;
}

void Ruler::append(const std::string& tenant, std::vector<Sample> samples) {
  std::lock_guard lock(mu_);
  if (stop_.stop_requested()) return;
  for (auto& w : outputs(tenant).writers) w->append(samples);
}

void Ruler::send(const std::string& tenant, std::vector<NotifierAlert> alerts) {
  std::lock_guard lock(mu_);
  if (stop_.stop_requested()) return;
  TenantOutputs& o = outputs(tenant);
  if (o.notifier) o.notifier->send(std::move(alerts));
}

std::vector<GroupStatus> Ruler::groups(const std::string& tenant) const {
  std::vector<std::shared_ptr<ActiveGroup>> gs;
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, g] : groups_) {
      if (g->tenant == tenant) gs.push_back(g);
    }
  }
  std::vector<GroupStatus> out;
  for (const auto& g : gs) out.push_back(g->evaluator->status());
  return out;
}

std::vector<RuleError> Ruler::load_errors(const std::string& tenant) const {
  std::lock_guard lock(mu_);
  auto it = load_errors_.find(tenant);
  return it == load_errors_.end() ? std::vector<RuleError>{} : it->second;
}

RulerStats Ruler::stats() const {
  RulerStats s;
  std::lock_guard lock(mu_);
  for (const auto& [k, g] : groups_) {
    GroupStats gs = g->stats;
    gs.missed = scheduler_.counters(k).missed;
    s.groups.push_back(std::move(gs));
  }
  for (const auto& [t, errs] : load_errors_) s.load_errors += errs.size();
  for (const auto& [t, o] : outputs_) {
    if (o.notifier) {
      for (const auto& c : o.notifier->counters()) s.notifications.emplace_back(t, c);
    }
    for (const auto& w : o.writers) {
      s.remote_write.emplace_back(t, w->counters());
      s.remote_write_names.emplace_back(t, w->config().name);
    }
  }
  return s;
}

}  // namespace ruler
