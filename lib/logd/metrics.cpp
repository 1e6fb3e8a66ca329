#include "logd/metrics.h"

#include "model/go_float.h"

#include <cmath>
#include <charconv>
#include <cstdio>

namespace logd {
namespace {


void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const char* extra_name = nullptr, const std::string& extra_value = {}) {
  if (names.empty() && !extra_name) return;
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += names[i];
    out += "=\"";
    append_label_value(out, values[i]);
    out += '"';
  }
  if (extra_name) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

// Prometheus' text format writes values as Go's strconv 'g' with the shortest precision.
std::string format_value(double v) { return model::format_go_float(v); }

void header(std::string& out, const std::string& name, const std::string& type, const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void append_label_value(std::string& out, const std::string& v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

CounterFamily::CounterFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void CounterFamily::add(const std::vector<std::string>& label_values, double delta) {
  std::lock_guard lock(mu_);
  series_[label_values] += delta;
}

double CounterFamily::value(const std::vector<std::string>& label_values) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(label_values);
  return it == series_.end() ? 0 : it->second;
}

void CounterFamily::render(std::string& out) const {
  header(out, name_, "counter", help_);
  std::lock_guard lock(mu_);
  for (const auto& [values, v] : series_) {
    out += name_;
    append_labels(out, label_names_, values);
    out += ' ';
    out += format_value(v);
    out += '\n';
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                                 std::vector<double> bounds)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

void HistogramFamily::observe(const std::vector<std::string>& label_values, double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  std::lock_guard lock(mu_);
  Series& s = series_[label_values];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size() + 1, 0);
  s.buckets[i]++;
  s.sum += value;
  s.count++;
}

uint64_t HistogramFamily::count(const std::vector<std::string>& label_values) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(label_values);
  return it == series_.end() ? 0 : it->second.count;
}

void HistogramFamily::render(std::string& out) const {
  header(out, name_, "histogram", help_);
  std::lock_guard lock(mu_);
  for (const auto& [values, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      out += name_ + "_bucket";
      append_labels(out, label_names_, values, "le", i < bounds_.size() ? format_value(bounds_[i]) : "+Inf");
      out += ' ' + std::to_string(cumulative) + '\n';
    }
    out += name_ + "_sum";
    append_labels(out, label_names_, values);
    out += ' ' + format_value(s.sum) + '\n';
    out += name_ + "_count";
    append_labels(out, label_names_, values);
    out += ' ' + std::to_string(s.count) + '\n';
  }
}

void render_single(std::string& out, const std::string& name, const std::string& type, const std::string& help,
                   double value) {
  header(out, name, type, help);
  out += name + ' ' + format_value(value) + '\n';
}

namespace {
std::vector<double> duration_buckets() {
  // Prometheus' DefBuckets extended to a minute: query latencies range from ms to the timeout.
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}
}  // namespace

Metrics::Metrics()
    : lines_received("loki_distributor_lines_received_total", "The total number of lines received per tenant.",
                     {"tenant"}),
      bytes_received("loki_distributor_bytes_received_total",
                     "The total number of uncompressed line bytes received per tenant.", {"tenant"}),
      discarded_samples("loki_discarded_samples_total", "The total number of samples that were discarded.",
                        {"reason", "tenant"}),
      discarded_bytes("loki_discarded_bytes_total", "The total number of bytes that were discarded.",
                      {"reason", "tenant"}),
      requests("loki_request_total", "HTTP requests by route and status code.", {"route", "status_code"}),
      request_duration("loki_request_duration_seconds", "Time (in seconds) spent serving HTTP requests.",
                       {"route", "status_code"}, duration_buckets()),
      query_duration("logd_query_duration_seconds", "Time (in seconds) spent evaluating LogQL queries.", {"type"},
                     duration_buckets()),
      retention_runs("loki_compactor_apply_retention_operation_total",
                     "Retention passes by outcome (success, failure, skipped: another maintenance run held the lock).",
                     {"status"}),
      retention_deleted("logd_retention_chunks_deleted_total", "Chunks deleted by retention, per tenant.",
                        {"tenant"}),
      compactions("loki_compactor_compact_tables_operation_total",
                  "Index compaction passes by outcome (success, failure, skipped: another maintenance run held the lock).",
                  {"status"}),
      index_files_compacted("logd_compactor_index_files_compacted_total",
                            "Index files merged into one per day by the compactor, per tenant.", {"tenant"}) {}

void Metrics::set_collector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mu_);
  collector_ = std::move(collector);
}

std::string Metrics::render() const {
  std::string out;
  lines_received.render(out);
  bytes_received.render(out);
  discarded_samples.render(out);
  discarded_bytes.render(out);
  requests.render(out);
  request_duration.render(out);
  query_duration.render(out);
  retention_runs.render(out);
  retention_deleted.render(out);
  compactions.render(out);
  index_files_compacted.render(out);
  std::function<void(std::string&)> collector;
  {
    std::lock_guard lock(mu_);
    collector = collector_;
  }
  if (collector) collector(out);
  return out;
}

}  // namespace logd
