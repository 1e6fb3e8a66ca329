// Sends alerts to Alertmanager as Prometheus's notifier does: the v2 API (POST /api/v2/alerts,
// or /api/v1/alerts when enable_alertmanager_v2 is false) with a JSON list of
// {labels, annotations, startsAt, endsAt, generatorURL}, in batches of 64, to every configured
// Alertmanager. Each Alertmanager has its own bounded queue and sender thread, so one that is
// down neither delays the others nor blocks evaluation; when a queue is full the oldest alerts
// are dropped (they are resent at the next resend anyway). A failed batch is retried a few times
// with backoff on the injected clock, then dropped; every outcome is counted.
//
// External labels are added to every alert (an alert's own label wins), then
// alert_relabel_configs apply; requests carry X-Scope-OrgID with the tenant, as Loki's ruler
// does for a multi-tenant Alertmanager.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "httpclient/http_request.h"
#include "relabel/relabel_rule.h"
#include "ruler/alert.h"
#include "util/clock.h"

namespace ruler {

struct AlertmanagerConfig {
  std::vector<std::string> urls;  // base URLs (http://host:9093[/prefix])
  bool api_v2 = true;
  size_t queue_capacity = 10000;
  int64_t timeout_ns = 10'000'000'000;
  model::LabelSet external_labels;
  std::vector<relabel::RelabelRule> relabel_configs;
  std::string basic_auth_username, basic_auth_password;
  std::string authorization_type = "Bearer", authorization_credentials;
  httpclient::TlsClientOptions tls;
  int max_attempts = 3;  // per batch
  int64_t retry_backoff_ns = 1'000'000'000;
};

struct AlertmanagerCounters {
  std::string url;
  uint64_t sent = 0;     // alerts delivered
  uint64_t errors = 0;   // alerts in failed requests (each attempt)
  uint64_t dropped = 0;  // alerts given up on (queue full, or every attempt failed)
  uint64_t queue_length = 0;
};

// The JSON body Alertmanager's API takes.
std::string encode_alerts_json(const std::vector<NotifierAlert>& alerts);

class AlertmanagerNotifier {
 public:
  AlertmanagerNotifier(AlertmanagerConfig config, std::string tenant, util::Clock& clock);
  ~AlertmanagerNotifier();  // stop()s
  AlertmanagerNotifier(const AlertmanagerNotifier&) = delete;
  AlertmanagerNotifier& operator=(const AlertmanagerNotifier&) = delete;

  void start();
  void stop();
  // Adds external labels, relabels, and queues for every Alertmanager. Never blocks on the network.
  void send(std::vector<NotifierAlert> alerts);

  std::vector<AlertmanagerCounters> counters() const;

 private:
  struct Target {
    std::string url;  // the full endpoint
    httpclient::Connection conn;
    std::deque<NotifierAlert> queue;
    AlertmanagerCounters counters;
    std::thread thread;
  };
  void run(Target& t);

  AlertmanagerConfig config_;
  std::string tenant_;
  util::Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::stop_source stop_;
  std::vector<std::unique_ptr<Target>> targets_;
  bool started_ = false;
};

}  // namespace ruler
