// GelfListener: Promtail's gelf target. Receives GELF over UDP (one message per datagram, or
// chunked, see gelf_chunks.h; gzip, zlib or plain, see gelf_message.h), labels each message with
// the `labels` block and Promtail's meta labels `__gelf_message_level` (the severity name),
// `__gelf_message_host`, `__gelf_message_version` and `__gelf_message_facility` (a label with an
// empty value is not set, as Prometheus' label builder does), applies relabel_configs, drops the
// `__` labels, and hands (labels, entry) to a sink. The line is the message as go-gelf writes it
// back (gelf_message_json); the timestamp is the receive time, or the message's `timestamp`
// with use_incoming_timestamp when it is not 0.
//
// A datagram that cannot be read is counted (errors) and skipped. Datagrams up to 64 KiB are
// read whole (go-gelf reads 1420 bytes, cutting longer unchunked datagrams).
//
// Thread-safety: start() and stop() from one controlling thread; port() and the counters from
// any thread. The sink is called from the receive thread and may block (UDP has no
// back-pressure: the kernel drops what its socket buffer cannot hold).
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
#include "sources/source.h"
#include "util/clock.h"
#include "util/result.h"

namespace sources {

struct GelfListenerOptions {
  std::string listen_address = "0.0.0.0:12201";
  bool use_incoming_timestamp = false;
  model::LabelSet labels;
  std::vector<relabel::RelabelRule> relabel_rules;
  util::Clock* clock = nullptr;  // receive timestamps and chunk expiry; null: the system clock
};

struct GelfCounters {
  std::atomic<uint64_t> entries{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> dropped_by_relabel{0};
};

class GelfListener final : public Source {
 public:
  using Sink = std::function<void(model::LabelSet labels, model::Entry entry)>;

  static util::Result<std::unique_ptr<GelfListener>> start(GelfListenerOptions options, Sink sink);
  ~GelfListener();  // stop()
  GelfListener(const GelfListener&) = delete;
  GelfListener& operator=(const GelfListener&) = delete;

  // Closes the socket and waits for the receive thread: once it returns the sink is never called.
  void stop() override;
  uint16_t port() const;
  const GelfCounters& counters() const;

  struct Impl;

 private:
  explicit GelfListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sources
