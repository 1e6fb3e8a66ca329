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

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Metric compile_one(const std::string& name, const YAML::Node& node, const CompileContext& ctx) {
  StageConfig cfg(node, "metrics \"" + name + "\"");
  Metric m;
  std::string type = lower(cfg.required_string("type"));
  std::string description = cfg.string("description").value_or("");
  m.source = cfg.string("source").value_or(name);
  std::string prefix = cfg.string("prefix").value_or("");
  if (prefix.empty()) prefix = "promtail_custom_";
  auto idle = cfg.string("max_idle_duration");
  auto inner = cfg.node("config");
  cfg.finish();

  int64_t max_idle = 5 * model::kNanosPerMinute;
  if (idle) {
    auto d = model::parse_duration(*idle);
    if (!d.ok()) cfg.fail("max_idle_duration could not be parsed as a duration: " + *idle);
    if (*d < model::kNanosPerSecond) cfg.fail("max_idle_duration less than 1s not allowed");
    max_idle = *d;
  }
  std::string full = prefix + name;
  if (!valid_metric_name(full)) cfg.fail("invalid metric name \"" + full + "\"");

  StageConfig c(inner ? *inner : YAML::Node(), "metrics \"" + name + "\" config");
  m.value = c.string("value");
  std::vector<double> buckets;
  if (type == "counter") {
    m.type = MetricType::kCounter;
    std::string action = lower(c.string("action").value_or(""));
    m.match_all = c.boolean("match_all").value_or(false);
    m.count_entry_bytes = c.boolean("count_entry_bytes").value_or(false);
    if (action == "inc") {
      m.action = Action::kInc;
    } else if (action == "add") {
      m.action = Action::kAdd;
    } else {
      c.fail("counter action must be \"inc\" or \"add\"");
    }
    if (m.match_all && m.value) c.fail("match_all cannot be combined with value");
    if (m.count_entry_bytes && (!m.match_all || m.action != Action::kAdd)) {
      c.fail("count_entry_bytes requires match_all: true and action: add");
    }
  } else if (type == "gauge") {
    m.type = MetricType::kGauge;
    std::string action = lower(c.string("action").value_or(""));
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
      c.fail("gauge action must be one of \"set\", \"inc\", \"dec\", \"add\" or \"sub\"");
    }
  } else if (type == "histogram") {
    m.type = MetricType::kHistogram;
    m.action = Action::kObserve;
    auto b = c.node("buckets");
    if (b) {
      for (const auto& s : StageConfig::as_string_list(*b, c.stage() + ": buckets")) {
        try {
          size_t used = 0;
          double d = std::stod(s, &used);
          if (used != s.size()) throw std::invalid_argument(s);
          buckets.push_back(d);
        } catch (const std::exception&) {
          c.fail("bucket \"" + s + "\" is not a number");
        }
      }
    } else {
      buckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};  // Prometheus' default buckets
    }
  } else {
    cfg.fail("invalid metric type \"" + type + "\", must be one of counter, gauge or histogram");
  }
  c.finish();
  auto fam = ctx.registry->family(full, description, m.type, std::move(buckets), max_idle);
  if (!fam.ok()) cfg.fail(fam.error());
  m.family = std::move(fam).value();
  return m;
}

}  // namespace

std::unique_ptr<Stage> compile_metrics(const YAML::Node& node, const CompileContext& ctx) {
  if (!node.IsMap() || node.size() == 0) throw ConfigError("metrics stage: expected a map of metric names to settings");
  std::vector<Metric> metrics;
  for (const auto& kv : node) metrics.push_back(compile_one(kv.first.as<std::string>(), kv.second, ctx));
  return std::make_unique<MetricsStage>(std::move(metrics));
}

}  // namespace stages
