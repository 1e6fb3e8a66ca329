// A small Prometheus metrics registry for logd's /metrics: counter and histogram families with
// label values, rendered in the Prometheus text exposition format (version 0.0.4).
//
// Updates happen per request (never per entry), so one mutex per family is cheap enough.
// Thread-safe: every method may be called concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace logd {

class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  // Adds `delta` to the series with these label values (one per label name, in order).
  void add(const std::vector<std::string>& label_values, double delta);
  double value(const std::vector<std::string>& label_values) const;
  void render(std::string& out) const;

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, double> series_;
};

class HistogramFamily {
 public:
  // `bounds`: upper bounds of the buckets, ascending (+Inf is implied).
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  void observe(const std::vector<std::string>& label_values, double value);
  uint64_t count(const std::vector<std::string>& label_values) const;
  void render(std::string& out) const;

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // non-cumulative counts per bound, plus +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, Series> series_;
};

// logd's metrics, named as Loki names them where Loki has them, so Loki dashboards work.
class Metrics {
 public:
  Metrics();

  CounterFamily lines_received;     // loki_distributor_lines_received_total{tenant}
  CounterFamily bytes_received;     // loki_distributor_bytes_received_total{tenant}
  CounterFamily discarded_samples;  // loki_discarded_samples_total{reason,tenant}
  CounterFamily discarded_bytes;    // loki_discarded_bytes_total{reason,tenant}
  CounterFamily requests;           // loki_request_total{route,status_code} (logd's name)
  HistogramFamily request_duration; // loki_request_duration_seconds{route,status_code}
  HistogramFamily query_duration;   // logd_query_duration_seconds{type}: range, instant, tail
  CounterFamily retention_runs;     // loki_compactor_apply_retention_operation_total{status}
  CounterFamily retention_deleted;  // logd_retention_chunks_deleted_total{tenant}
  CounterFamily compactions;        // loki_compactor_compact_tables_operation_total{status}
  CounterFamily index_files_compacted;  // logd_compactor_index_files_compacted_total{tenant}

  // Extra text appended at render time (the ingester's counters, read when scraped).
  void set_collector(std::function<void(std::string&)> collector);
  // The whole exposition.
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::function<void(std::string&)> collector_;
};

// Appends a label value escaped as the text format wants (backslash, double quote, newline).
void append_label_value(std::string& out, const std::string& v);

// Appends `# HELP`, `# TYPE` and one sample line for an unlabelled gauge or counter.
void render_single(std::string& out, const std::string& name, const std::string& type, const std::string& help,
                   double value);

}  // namespace logd
