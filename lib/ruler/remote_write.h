// Prometheus remote write 1.0 for recorded samples: a bounded in-memory queue per endpoint and
// tenant, drained by one sender thread that batches (max_samples_per_send, or whatever waited
// batch_send_deadline), encodes a WriteRequest (protobuf, snappy block-compressed) and POSTs it
// with the protocol's headers and, when configured, X-Scope-OrgID.
//
// Failures follow the protocol: 5xx, 429 (when retry_on_http_429) and transport errors are
// retried with exponential backoff (min_backoff doubling to max_backoff) until they succeed or
// the queue stops; other 4xx answers drop the batch. A full queue drops the new samples. Every
// outcome is counted. Nothing here blocks an evaluation: append() only queues.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "httpclient/http_request.h"
#include "ruler/alert.h"
#include "util/clock.h"
#include "util/result.h"

namespace ruler {

struct RemoteWriteConfig {
  std::string name;  // the clients.<name> key
  std::string url;
  int64_t remote_timeout_ns = 30'000'000'000;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string basic_auth_username, basic_auth_password;
  std::string bearer_token;
  httpclient::TlsClientOptions tls;
  size_t capacity = 10000;  // samples queued at most
  size_t max_samples_per_send = 2000;
  int64_t batch_send_deadline_ns = 5'000'000'000;
  int64_t min_backoff_ns = 30'000'000;
  int64_t max_backoff_ns = 5'000'000'000;
  bool retry_on_http_429 = true;
};

struct RemoteWriteCounters {
  uint64_t samples_sent = 0;
  uint64_t samples_failed = 0;   // dropped after a non-retryable answer
  uint64_t samples_dropped = 0;  // the queue was full
  uint64_t samples_retried = 0;
  uint64_t requests_failed = 0;  // attempts that did not succeed (each retry counts)
  uint64_t pending = 0;          // samples queued now
};

// The WriteRequest body (snappy-compressed protobuf) for `samples`, grouped by series.
std::string encode_write_request(const std::vector<Sample>& samples);
// The inverse, for tests and tools: the samples of a compressed WriteRequest.
util::Result<std::vector<Sample>> decode_write_request(std::string_view body);

class RemoteWriteQueue {
 public:
  // `org_id`: sent as X-Scope-OrgID when non-empty.
  RemoteWriteQueue(RemoteWriteConfig config, std::string org_id, util::Clock& clock);
  ~RemoteWriteQueue();  // stop()s
  RemoteWriteQueue(const RemoteWriteQueue&) = delete;
  RemoteWriteQueue& operator=(const RemoteWriteQueue&) = delete;

  void start();
  // Stops the sender; what is still queued is dropped (counted). Idempotent.
  void stop();
  // Queues samples; those beyond capacity are dropped and counted.
  void append(const std::vector<Sample>& samples);

  RemoteWriteCounters counters() const;
  const RemoteWriteConfig& config() const { return config_; }

 private:
  void run();
  // Sends one batch until it succeeds, is refused for good, or the queue stops.
  void send(std::vector<Sample>& batch);

  RemoteWriteConfig config_;
  std::string org_id_;
  util::Clock& clock_;
  httpclient::Connection conn_;
  mutable std::mutex mu_;
  std::deque<Sample> queue_;
  int64_t oldest_enqueued_ = 0;
  std::stop_source stop_;
  std::stop_source wake_;
  RemoteWriteCounters counters_;
  std::thread thread_;
};

}  // namespace ruler
