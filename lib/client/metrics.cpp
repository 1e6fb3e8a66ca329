#include "client/metrics.h"

#include "golang/float_format.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include "client/entry.h"

namespace client {
namespace {

struct Family {
  const char* name;
  const char* help;
  std::array<const char*, 3> labels;
};

// Promtail's help texts, in its order; label names per family.
constexpr Family kCounters[] = {
    {"promtail_encoded_bytes_total", "Number of bytes encoded and ready to send.", {"host"}},
    {"promtail_sent_bytes_total", "Number of bytes sent.", {"host"}},
    {"promtail_dropped_bytes_total", "Number of bytes dropped because failed to be sent to the ingester after all retries.",
     {"host", "tenant", "reason"}},
    {"promtail_sent_entries_total", "Number of log entries sent to the ingester.", {"host"}},
    {"promtail_dropped_entries_total",
     "Number of log entries dropped because failed to be sent to the ingester after all retries.",
     {"host", "tenant", "reason"}},
    {"promtail_mutated_entries_total", "The total number of log entries that have been mutated.",
     {"host", "tenant", "reason"}},
    {"promtail_mutated_bytes_total", "The total number of bytes that have been mutated.", {"host", "tenant", "reason"}},
    {"promtail_batch_retries_total", "Number of times batches has had to be retried.", {"host", "tenant"}},
};

constexpr double kBuckets[] = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
constexpr size_t kBucketCount = sizeof(kBuckets) / sizeof(kBuckets[0]);
constexpr const char* kReasons[] = {kReasonGeneric, kReasonRateLimited, kReasonStreamLimited, kReasonLineTooLong};

void append_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

void append_labels(std::string& out, const std::array<const char*, 3>& names, const std::vector<std::string>& values,
                   const char* extra_name = nullptr, std::string_view extra_value = {}) {
  out += '{';
  bool first = true;
  for (size_t i = 0; i < values.size() && i < names.size() && names[i]; ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i]);
    out += '"';
  }
  if (extra_name) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out.append(extra_value);
    out += '"';
  }
  out += '}';
}

// Prometheus' text format writes values as Go's strconv 'g' with the shortest precision.
std::string format_number(double v) { return golang::format_float(v); }

}  // namespace

void ClientMetrics::add(const char* name, std::vector<std::string> labels, double delta) {
  std::lock_guard lock(mu_);
  counters_[Key{name, std::move(labels)}] += delta;
}

void ClientMetrics::init_host(const std::string& host) {
  for (const char* n : {"promtail_encoded_bytes_total", "promtail_sent_bytes_total", "promtail_sent_entries_total"}) {
    add(n, {host}, 0);
  }
}

void ClientMetrics::init_tenant(const std::string& host, const std::string& tenant) {
  for (const char* reason : kReasons) {
    for (const char* n : {"promtail_dropped_bytes_total", "promtail_dropped_entries_total",
                          "promtail_mutated_entries_total", "promtail_mutated_bytes_total"}) {
      add(n, {host, tenant, reason}, 0);
    }
  }
  add("promtail_batch_retries_total", {host, tenant}, 0);
}

void ClientMetrics::encoded(const std::string& host, size_t bytes) {
  add("promtail_encoded_bytes_total", {host}, static_cast<double>(bytes));
}

void ClientMetrics::sent(const std::string& host, size_t entries, size_t bytes) {
  add("promtail_sent_bytes_total", {host}, static_cast<double>(bytes));
  add("promtail_sent_entries_total", {host}, static_cast<double>(entries));
}

void ClientMetrics::dropped(const std::string& host, const std::string& tenant, const std::string& reason,
                            size_t entries, size_t bytes) {
  add("promtail_dropped_bytes_total", {host, tenant, reason}, static_cast<double>(bytes));
  add("promtail_dropped_entries_total", {host, tenant, reason}, static_cast<double>(entries));
}

void ClientMetrics::mutated(const std::string& host, const std::string& tenant, const std::string& reason,
                            size_t entries, size_t bytes) {
  add("promtail_mutated_bytes_total", {host, tenant, reason}, static_cast<double>(bytes));
  add("promtail_mutated_entries_total", {host, tenant, reason}, static_cast<double>(entries));
}

void ClientMetrics::retried(const std::string& host, const std::string& tenant) {
  add("promtail_batch_retries_total", {host, tenant}, 1);
}

void ClientMetrics::request_done(int status_code, const std::string& host, double seconds) {
  std::lock_guard lock(mu_);
  auto& h = durations_[{std::to_string(status_code), host}];
  if (h.counts.empty()) h.counts.assign(kBucketCount + 1, 0);
  size_t b = 0;
  while (b < kBucketCount && seconds > kBuckets[b]) ++b;
  ++h.counts[b];
  h.sum += seconds;
  ++h.count;
}

double ClientMetrics::value(std::string_view name, const std::vector<std::string>& label_values) const {
  std::lock_guard lock(mu_);
  auto it = counters_.find(Key{std::string(name), label_values});
  return it == counters_.end() ? 0 : it->second;
}

uint64_t ClientMetrics::requests(int status_code, const std::string& host) const {
  std::lock_guard lock(mu_);
  auto it = durations_.find({std::to_string(status_code), host});
  return it == durations_.end() ? 0 : it->second.count;
}

void ClientMetrics::render(std::string& out) const {
  std::lock_guard lock(mu_);
  for (const Family& f : kCounters) {
    auto it = counters_.lower_bound(Key{f.name, {}});
    if (it == counters_.end() || it->first.first != f.name) continue;
    out += "# HELP ";
    out += f.name;
    out += ' ';
    out += f.help;
    out += "\n# TYPE ";
    out += f.name;
    out += " counter\n";
    for (; it != counters_.end() && it->first.first == f.name; ++it) {
      out += f.name;
      append_labels(out, f.labels, it->first.second);
      out += ' ';
      out += format_number(it->second);
      out += '\n';
    }
  }
  if (durations_.empty()) return;
  constexpr const char* name = "promtail_request_duration_seconds";
  constexpr std::array<const char*, 3> labels = {"status_code", "host", nullptr};
  out += "# HELP promtail_request_duration_seconds Duration of send requests.\n";
  out += "# TYPE promtail_request_duration_seconds histogram\n";
  for (const auto& [values, h] : durations_) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBucketCount; ++b) {
      cumulative += h.counts[b];
      out += name;
      out += "_bucket";
      append_labels(out, labels, values, "le", b < kBucketCount ? format_number(kBuckets[b]) : "+Inf");
      out += ' ' + std::to_string(cumulative) + '\n';
    }
    out += name;
    out += "_sum";
    append_labels(out, labels, values);
    out += ' ' + format_number(h.sum) + '\n';
    out += name;
    out += "_count";
    append_labels(out, labels, values);
    out += ' ' + std::to_string(h.count) + '\n';
  }
}

}  // namespace client
