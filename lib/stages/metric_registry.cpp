#include "stages/metric_registry.h"

#include <algorithm>
#include <cmath>

#include "model/go_float.h"

namespace stages {

namespace {

// Prometheus writes sample values and bucket bounds with strconv's shortest %g form.
void append_float(std::string& out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (std::isnan(v)) {
    out += "NaN";
  } else {
    model::append_go_float(out, v, 'g', -1);
  }
}

void append_escaped(std::string& out, std::string_view s, bool quote_too) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote_too) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="b",le="0.5"}`; nothing when there are no labels at all.
void append_labels(std::string& out, const model::LabelSet& labels, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& l : labels) {
    if (!first) out += ',';
    first = false;
    out += l.name;
    out += "=\"";
    append_escaped(out, l.value, true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

MetricFamily::MetricFamily(std::string name, std::string help, MetricType type, std::vector<double> buckets,
                           int64_t max_idle_ns, util::Clock& clock)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      bounds_(std::move(buckets)),
      max_idle_ns_(max_idle_ns),
      clock_(clock) {}

MetricFamily::Series& MetricFamily::series(const model::LabelSet& labels) {
  auto it = series_.find(labels);
  if (it == series_.end()) {
    it = series_.emplace(labels, Series{}).first;
    it->second.buckets.assign(bounds_.size(), 0);
  }
  it->second.last_update = clock_.now_ns();
  return it->second;
}

void MetricFamily::add(const model::LabelSet& labels, double delta) {
  std::lock_guard lock(mu_);
  series(labels).value += delta;
}

void MetricFamily::set(const model::LabelSet& labels, double value) {
  std::lock_guard lock(mu_);
  series(labels).value = value;
}

void MetricFamily::observe(const model::LabelSet& labels, double value) {
  std::lock_guard lock(mu_);
  Series& s = series(labels);
  s.value += value;
  s.count++;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      s.buckets[i]++;
      break;
    }
  }
}

std::optional<double> MetricFamily::value(const model::LabelSet& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  if (it == series_.end()) return std::nullopt;
  return type_ == MetricType::kHistogram ? static_cast<double>(it->second.count) : it->second.value;
}

void MetricFamily::expire(int64_t now_ns) {
  if (max_idle_ns_ <= 0) return;
  std::lock_guard lock(mu_);
  std::erase_if(series_, [&](const auto& kv) { return now_ns - kv.second.last_update > max_idle_ns_; });
}

void MetricFamily::render(std::string& out, int64_t now_ns) {
  expire(now_ns);
  std::lock_guard lock(mu_);
  if (series_.empty()) return;
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name(type_);
  out += '\n';
  for (const auto& [labels, s] : series_) {
    if (type_ != MetricType::kHistogram) {
      out += name_;
      append_labels(out, labels);
      out += ' ';
      append_float(out, s.value);
      out += '\n';
      continue;
    }
    uint64_t cumulative = 0;
    std::string le;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      le.clear();
      append_float(le, bounds_[i]);
      out += name_;
      out += "_bucket";
      append_labels(out, labels, "le", le);
      out += ' ' + std::to_string(cumulative) + '\n';
    }
    out += name_;
    out += "_bucket";
    append_labels(out, labels, "le", "+Inf");
    out += ' ' + std::to_string(s.count) + '\n';
    out += name_;
    out += "_sum";
    append_labels(out, labels);
    out += ' ';
    append_float(out, s.value);
    out += '\n';
    out += name_;
    out += "_count";
    append_labels(out, labels);
    out += ' ' + std::to_string(s.count) + '\n';
  }
}

MetricRegistry::MetricRegistry(util::Clock& clock) : clock_(clock) {
  drops_ = std::make_shared<MetricFamily>(std::string(kDroppedLinesMetric),
                                          "A count of all log lines dropped as a result of a pipeline stage",
                                          MetricType::kCounter, std::vector<double>{}, 0, clock_);
  families_.emplace(drops_->name(), drops_);
}

util::Result<std::shared_ptr<MetricFamily>> MetricRegistry::family(const std::string& name, const std::string& help,
                                                                   MetricType type, std::vector<double> buckets,
                                                                   int64_t max_idle_ns) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->type() != type) {
      return util::Error{"metric " + name + " is already registered as a " + type_name(it->second->type())};
    }
    return it->second;
  }
  std::sort(buckets.begin(), buckets.end());
  auto f = std::make_shared<MetricFamily>(name, help, type, std::move(buckets), max_idle_ns, clock_);
  families_.emplace(name, f);
  return f;
}

std::shared_ptr<MetricFamily> MetricRegistry::find(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  return it == families_.end() ? nullptr : it->second;
}

void MetricRegistry::unregister(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end() && it->second != drops_) families_.erase(it);
}

void MetricRegistry::count_drop(std::string_view reason, double n) {
  drops_->add(model::LabelSet{{"reason", std::string(reason)}}, n);
}

std::string MetricRegistry::render() {
  std::vector<std::shared_ptr<MetricFamily>> families;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, f] : families_) families.push_back(f);
  }
  std::string out;
  int64_t now = clock_.now_ns();
  for (const auto& f : families) f->render(out, now);
  return out;
}

void MetricRegistry::expire() {
  std::lock_guard lock(mu_);
  int64_t now = clock_.now_ns();
  for (const auto& [name, f] : families_) f->expire(now);
}

}  // namespace stages
