// logtail's push client, Promtail's `clients` entry: entries are queued, batched per tenant up
// to `batchsize` bytes or `batchwait` age, encoded as snappy protobuf (or, with `format: otlp`, as
// an OTLP logs request) and POSTed to Loki, with
// retries and exponential backoff on 429, 5xx and connection errors (other 4xx drop the batch,
// as Promtail does; drop_rate_limited_batches drops 429s at once).
//
// Backpressure: the queue between producers and the sender is bounded in bytes. While Loki is
// down the sender is busy retrying, the queue fills, and push() blocks (try_push() says kFull):
// the tailer stops reading ahead instead of buffering without bound.
//
// Acknowledgement: every entry accepted by push() is reported exactly once to the AckCallback,
// in a BatchOutcome (accepted, or dropped with Promtail's reason), carrying its SourcePosition,
// so positions advance only past data whose fate is settled. Entries still pending when stop()
// times out are not reported: they were never acknowledged, and a restart re-reads them.
//
// Thread-safety: push(), try_push() and stop() may be called from any thread; one sender thread
// per client does batching and HTTP. The AckCallback runs on the sender thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/entry.h"
#include "client/metrics.h"
#include "client/transport.h"
#include "client/config.h"
#include "util/result.h"

namespace client {

struct ClientOptions {
  // Bound on queued, not yet batched entries (line, metadata and label bytes, plus a fixed
  // per-entry overhead). One entry is always admitted into an empty queue, however large.
  size_t max_queued_bytes = 4 << 20;
  // limits_config, which Promtail applies in the client: 0 = unlimited.
  size_t max_streams = 0;     // streams per batch; entries opening more are dropped (stream_limited)
  size_t max_line_size = 0;   // bytes; longer lines are dropped (line_too_long) or truncated
  bool max_line_size_truncate = false;
  AckCallback on_ack;                       // may be empty
  std::shared_ptr<ClientMetrics> metrics;   // shared with logtail's /metrics; created when null
  std::unique_ptr<Transport> transport;     // tests; a HttpTransport for the config when null
  uint64_t seed = 0;                        // backoff jitter; 0: from the clock
};

class Client {
 public:
  // Errors: an invalid URL or TLS option in `config`.
  static util::Result<std::unique_ptr<Client>> create(const ClientConfig& config, ClientOptions options);
  ~Client();  // stop(0ms) unless stopped: what is still pending is abandoned, unacknowledged
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  enum class PushStatus { kQueued, kFull, kStopped };
  // Blocks while the queue is full. kStopped once stop() has begun, or once `*cancel` is true
  // and wake_producers() was called (the entry is not taken either way).
  PushStatus push(Entry&& entry, const std::atomic<bool>* cancel = nullptr);
  // push() of each entry in order (moved from), taking the queue's lock once for all of them
  // unless the queue fills meanwhile. kQueued when every entry was taken; otherwise what
  // stopped it (the entries from there on are not taken).
  PushStatus push_all(std::vector<Entry>& entries, const std::atomic<bool>* cancel = nullptr);
  // Wakes producers blocked in push() so that they see their cancel flag.
  void wake_producers();
  // Never blocks: kFull leaves `entry` untouched for a later retry.
  PushStatus try_push(Entry& entry);

  // Stops accepting entries, sends everything queued and batched (with retries), and returns
  // once all is settled or `timeout` has passed, then abandons what is left (unacknowledged).
  // Returns true when nothing was abandoned. Idempotent.
  bool stop(std::chrono::milliseconds timeout);

  // The configured URL's host[:port]: the `host` label of this client's metrics.
  const std::string& host() const { return host_; }
  ClientMetrics& metrics() { return *metrics_; }
  // Entries (and their accounted bytes) waiting in the queue; for tests and /metrics.
  size_t queued_entries() const;

 private:
  Client(const ClientConfig& config, ClientOptions options, std::string host);
  void run();
  // Sends one tenant's batch, retrying as Promtail does, and acknowledges it unless abandoned.
  void send_batch(const std::string& tenant, class Batch& batch, class BodyBuffers& buffers);
  void acknowledge(BatchOutcome&& outcome);
  void drop_entry(const std::string& tenant, const Entry& entry, const char* reason, std::string error);

  const ClientConfig config_;
  ClientOptions options_;
  std::string host_;
  std::shared_ptr<ClientMetrics> metrics_;

  mutable std::mutex mu_;
  std::condition_variable not_empty_;  // sender waits: entries, stop, or a batch's deadline
  std::condition_variable not_full_;   // producers wait
  std::vector<Entry> queue_;  // swapped with the sender's drained vector
  size_t queued_bytes_ = 0;
  bool stopping_ = false;
  bool all_settled_ = true;
  std::atomic<bool> abort_{false};     // stop() timed out: abandon retries and requests in flight
  std::condition_variable abort_cv_;   // interrupts backoff sleeps
  bool done_ = false;                  // the sender thread has finished
  std::condition_variable done_cv_;
  std::thread thread_;
};

}  // namespace client
