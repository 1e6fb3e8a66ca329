// PushReceiver: Promtail's loki_push_api target. An HTTP server of its own that accepts Loki
// pushes (POST /loki/api/v1/push: JSON, or protobuf+snappy, optionally gzip-encoded; decoded by
// lib/push) and raw lines (POST /promtail/api/v1/raw: one entry per body line), and hands each
// stream to a sink after Promtail's labeling: the stream's labels, then the `labels` block, then
// relabel_configs, then every "__" label dropped. Timestamps are the pushed ones with
// use_incoming_timestamp, else the receive time.
//
// The sink is called from the HTTP handler threads and may block (backpressure: the pusher
// waits for its response). A push is answered 204 once all of it was handed to the sink; a body
// that cannot be decoded is 400 and nothing of it is handed on. No positions: a pusher that got
// 204 will not resend.
//
// Thread-safety: start() and stop() from one controlling thread; port() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/entry.h"
#include "model/labels.h"
#include "relabel/relabel_rule.h"
#include "util/clock.h"
#include "util/result.h"

namespace sources {

struct PushReceiverOptions {
  std::string listen_address = "0.0.0.0";
  uint16_t listen_port = 0;  // 0: any free port, see port()
  model::LabelSet labels;
  bool use_incoming_timestamp = false;
  std::vector<relabel::RelabelRule> relabel_rules;
  size_t max_body_bytes = 64 << 20;
  util::Clock* clock = nullptr;  // entry timestamps; null: the system clock
};

class PushReceiver {
 public:
  using Sink = std::function<void(model::LabelSet labels, std::vector<model::Entry> entries)>;

  static util::Result<std::unique_ptr<PushReceiver>> start(PushReceiverOptions options, Sink sink);
  ~PushReceiver();  // stop()
  PushReceiver(const PushReceiver&) = delete;
  PushReceiver& operator=(const PushReceiver&) = delete;

  // Stops accepting, finishes in-flight requests; afterwards the sink is never called again.
  void stop();
  uint16_t port() const;
  uint64_t entries_received() const;

  struct Impl;

 private:
  explicit PushReceiver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sources
