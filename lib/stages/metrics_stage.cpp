// metrics: counters, gauges and histograms updated from extracted values, labelled with the
// entry's labels, named <prefix><name> (prefix default "promtail_custom_"). Series idle for
// max_idle_duration (default 5m) disappear.
#include <cmath>

#include "model/time.h"
#include "stages/builtin.h"

namespace stages {

namespace {

enum class Action { kInc, kAdd, kSet, kDec, kSub, kObserve };

struct Metric {
  std::string source;
  std::optional<std::string> value;  // only entries whose source equals this string count
  Action action = Action::kInc;
  bool match_all = false;
  bool count_entry_bytes = false;
  MetricType type = MetricType::kCounter;
  std::shared_ptr<MetricFamily> family;
};

class MetricsStage final : public Stage {
 public:
  explicit MetricsStage(std::vector<Metric> metrics) : metrics_(std::move(metrics)) {}
  std::string_view name() const override { return "metrics"; }

  bool process(Entry& e) override {
    for (const Metric& m : metrics_) {
      if (m.match_all) {
        m.family->add(e.labels, m.count_entry_bytes ? static_cast<double>(e.line.size()) : 1.0);
        continue;
      }
      const json* v = e.extracted.find(m.source);
      if (!v) continue;
      if (m.value) {
        str_.clear();
        if (!append_value_string(str_, *v) || str_ != *m.value) continue;
      }
      update(m, e.labels, *v);
    }
    return true;
  }

 private:
  static void update(const Metric& m, const model::LabelSet& labels, const json& v) {
    if (m.action == Action::kInc) return m.family->add(labels, 1);
    if (m.action == Action::kDec) return m.family->add(labels, -1);
    auto f = value_to_float(v);
    if (!f) return;
    switch (m.action) {
      case Action::kAdd:
        // Prometheus counters panic on negative increments; Promtail skips them.
        if (m.type == MetricType::kCounter && *f < 0) return;
        m.family->add(labels, *f);
        break;
      case Action::kSub: m.family->add(labels, -*f); break;
      case Action::kSet: m.family->set(labels, *f); break;
      case Action::kObserve: m.family->observe(labels, *f); break;
      default: break;
    }
  }

  std::vector<Metric> metrics_;
  std::string str_;
};

bool valid_metric_name(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

util::Result<Metric> compile_one(const MetricSpec& spec, const std::string& where, const CompileContext& ctx) {
  Metric m;
  m.source = spec.source;
  m.value = spec.value;
  const std::string prefix = spec.prefix.empty() ? "promtail_custom_" : spec.prefix;
  int64_t max_idle = 5 * model::kNanosPerMinute;
  if (spec.max_idle_ns) {
    if (*spec.max_idle_ns < model::kNanosPerSecond) return stage_error(where, "max_idle_duration less than 1s not allowed");
    max_idle = *spec.max_idle_ns;
  }
  const std::string full = prefix + spec.name;
  if (!valid_metric_name(full)) return stage_error(where, "invalid metric name \"" + full + "\"");
  std::string action = spec.action.value_or("");
  for (char& c : action) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<double> buckets;
  if (spec.type == "counter") {
    m.type = MetricType::kCounter;
    m.match_all = spec.match_all;
    m.count_entry_bytes = spec.count_entry_bytes;
    if (action == "inc") {
      m.action = Action::kInc;
    } else if (action == "add") {
      m.action = Action::kAdd;
    } else {
      return stage_error(where, "counter action must be \"inc\" or \"add\"");
    }
    if (m.match_all && m.value) return stage_error(where, "match_all cannot be combined with value");
    if (m.count_entry_bytes && (!m.match_all || m.action != Action::kAdd)) {
      return stage_error(where, "count_entry_bytes requires match_all: true and action: add");
    }
  } else if (spec.type == "gauge") {
    m.type = MetricType::kGauge;
    if (action == "set") {
      m.action = Action::kSet;
    } else if (action == "inc") {
      m.action = Action::kInc;
    } else if (action == "dec") {
      m.action = Action::kDec;
    } else if (action == "add") {
      m.action = Action::kAdd;
    } else if (action == "sub") {
      m.action = Action::kSub;
    } else {
      return stage_error(where, "gauge action must be one of \"set\", \"inc\", \"dec\", \"add\" or \"sub\"");
    }
  } else {  // histogram: stages_yaml.cpp admits no other type
    m.type = MetricType::kHistogram;
    m.action = Action::kObserve;
    // Prometheus' default buckets.
    buckets = spec.buckets.value_or(std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10});
  }
  auto fam = ctx.registry->family(full, spec.description, m.type, std::move(buckets), max_idle);
  if (!fam.ok()) return stage_error(where, fam.error());
  m.family = std::move(fam).value();
  return m;
}

}  // namespace

StageResult compile_metrics(const MetricsSpec& spec, const std::string& where, const CompileContext& ctx) {
  std::vector<Metric> metrics;
  for (const MetricSpec& one : spec.metrics) {
    auto m = compile_one(one, where + "." + one.name, ctx);
    if (!m.ok()) return m.status_error();
    metrics.push_back(std::move(*m));
  }
  return std::unique_ptr<Stage>(std::make_unique<MetricsStage>(std::move(metrics)));
}

}  // namespace stages
