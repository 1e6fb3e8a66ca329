// The push client's metrics under Promtail's names and labels, for logtail's /metrics:
//   promtail_encoded_bytes_total{host}, promtail_sent_bytes_total{host},
//   promtail_sent_entries_total{host}, promtail_dropped_entries_total{host,tenant,reason},
//   promtail_dropped_bytes_total{host,tenant,reason}, promtail_mutated_entries_total{...},
//   promtail_mutated_bytes_total{...}, promtail_batch_retries_total{host,tenant},
//   promtail_request_duration_seconds{status_code,host} (histogram, Prometheus' default buckets).
// As in Promtail, bytes sent/encoded/dropped after encoding are the compressed request sizes,
// while entries dropped before batching count their line bytes.
//
// Thread-safe: one mutex; updates happen per batch or per dropped entry, never per sent entry.
// One instance may be shared by several clients (the host label tells them apart).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace client {

class ClientMetrics {
 public:
  // Creates the zero-valued series Promtail exports before anything happens.
  void init_host(const std::string& host);
  void init_tenant(const std::string& host, const std::string& tenant);

  void encoded(const std::string& host, size_t bytes);
  void sent(const std::string& host, size_t entries, size_t bytes);
  void dropped(const std::string& host, const std::string& tenant, const std::string& reason, size_t entries,
               size_t bytes);
  void mutated(const std::string& host, const std::string& tenant, const std::string& reason, size_t entries,
               size_t bytes);
  void retried(const std::string& host, const std::string& tenant);
  void request_done(int status_code, const std::string& host, double seconds);

  // A counter's value (0 when the series does not exist), e.g.
  // value("promtail_dropped_entries_total", {"host:3100", "", "ingester_error"}).
  double value(std::string_view name, const std::vector<std::string>& label_values) const;
  // How many requests ended with this status code (-1: connection-level error).
  uint64_t requests(int status_code, const std::string& host) const;

  // Prometheus text exposition format 0.0.4.
  void render(std::string& out) const;

 private:
  struct Histogram {
    std::vector<uint64_t> counts;  // per bucket, not cumulative; last is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  using Key = std::pair<std::string, std::vector<std::string>>;  // family, label values
  void add(const char* name, std::vector<std::string> labels, double delta);

  mutable std::mutex mu_;
  std::map<Key, double> counters_;
  std::map<std::vector<std::string>, Histogram> durations_;  // by {status_code, host}
};

}  // namespace client
