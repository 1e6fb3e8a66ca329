// A small Prometheus metric registry for what the pipeline produces: the metrics stage's
// counters, gauges and histograms (promtail_custom_*), and the drop counters
// (logentry_dropped_lines_total{reason}). render() writes the Prometheus text exposition format
// (version 0.0.4) for a /metrics handler.
//
// Thread-safe: updates and render() may run concurrently from any thread (one mutex per family,
// one for the family table). Series idle longer than their family's max_idle are removed, as
// Promtail does for metrics stage series, when render() or expire() runs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "util/clock.h"
#include "util/result.h"

namespace stages {

enum class MetricType { kCounter, kGauge, kHistogram };

class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, MetricType type, std::vector<double> buckets, int64_t max_idle_ns,
               util::Clock& clock);

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }

  void add(const model::LabelSet& labels, double delta);  // counters (delta >= 0) and gauges
  void set(const model::LabelSet& labels, double value);  // gauges
  void observe(const model::LabelSet& labels, double value);  // histograms

  // The current value of one series (counter/gauge), or of its count (histogram); nullopt if absent.
  std::optional<double> value(const model::LabelSet& labels) const;

  void expire(int64_t now_ns);
  void render(std::string& out, int64_t now_ns);

 private:
  struct Series {
    double value = 0;  // counter/gauge value, histogram sum
    uint64_t count = 0;
    std::vector<uint64_t> buckets;  // cumulative counts are computed when rendering
    int64_t last_update = 0;
  };
  Series& series(const model::LabelSet& labels);

  const std::string name_, help_;
  const MetricType type_;
  const std::vector<double> bounds_;
  const int64_t max_idle_ns_;  // 0: never expire
  util::Clock& clock_;
  mutable std::mutex mu_;
  std::map<model::LabelSet, Series> series_;
};

class MetricRegistry {
 public:
  // `clock` stamps series updates for max_idle expiry; tests pass a FakeClock.
  explicit MetricRegistry(util::Clock& clock = util::system_clock());

  // Returns the family with this name, creating it. Asking for an existing name with another
  // type is an error (as prometheus.Registerer rejects it).
  util::Result<std::shared_ptr<MetricFamily>> family(const std::string& name, const std::string& help,
                                                     MetricType type, std::vector<double> buckets = {},
                                                     int64_t max_idle_ns = 0);
  std::shared_ptr<MetricFamily> find(std::string_view name) const;
  void unregister(std::string_view name);

  // The counter Promtail's drop, match, limit and sampling stages increment.
  void count_drop(std::string_view reason, double n = 1);

  std::string render();
  void expire();
  util::Clock& clock() const { return clock_; }

 private:
  util::Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<MetricFamily>, std::less<>> families_;
  std::shared_ptr<MetricFamily> drops_;
};

inline constexpr std::string_view kDroppedLinesMetric = "logentry_dropped_lines_total";

}  // namespace stages
