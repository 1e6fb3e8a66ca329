// SyslogListener: Promtail's syslog target. Listens on TCP (framing auto-detected per connection,
// see syslog_framing.h) or UDP (one message per datagram, or several newline-framed ones),
// or TCP with TLS (`tls`, see syslog_tls.h; both framings), parses RFC 5424 or RFC 3164 messages, labels them with Promtail's `__syslog_*` meta labels,
// applies relabel_configs, and hands (labels, entry) to a sink.
//
// The sink is called from the connection threads and may block: that is the backpressure (a
// blocked TCP connection stops reading, and the sender's socket buffer fills). Syslog has no
// positions: what was handed to the sink is the listener's last responsibility.
//
// Thread-safety: create() and stop() from one controlling thread; port() and the counters from
// any thread.
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
#include "sources/syslog_tls.h"
#include "util/clock.h"
#include "util/result.h"

namespace sources {

struct SyslogListenerOptions {
  std::string listen_address = "0.0.0.0:0";  // "host:port" ("[::1]:514" for IPv6)
  std::string listen_protocol = "tcp";       // "tcp" or "udp"
  int64_t idle_timeout_ns = 120'000'000'000;  // TCP connections idle this long are closed
  size_t max_message_length = 8192;
  bool rfc3164 = false;  // syslog_format: rfc3164
  bool rfc3164_default_to_current_year = false;  // else RFC 3164 timestamps get year 0, as Promtail's
  bool label_structured_data = false;
  bool use_incoming_timestamp = false;
  bool use_rfc5424_message = false;  // ship the whole frame as the line, not only MSG
  bool lookup_hostnames = true;  // __syslog_connection_hostname by reverse DNS
  SyslogTlsFiles tls;  // TCP only: TLS with these files when any is set
  model::LabelSet labels;  // the `labels` block, added before relabeling
  std::vector<relabel::RelabelRule> relabel_rules;
  util::Clock* clock = nullptr;  // entry timestamps; null: the system clock
};

struct SyslogCounters {
  std::atomic<uint64_t> entries{0};
  std::atomic<uint64_t> parse_errors{0};
  std::atomic<uint64_t> empty_messages{0};
  std::atomic<uint64_t> dropped_by_relabel{0};
  std::atomic<uint64_t> truncated{0};
  std::atomic<uint64_t> tls_handshake_errors{0};  // refused (e.g. no client certificate) or broken
};

class SyslogListener {
 public:
  using Sink = std::function<void(model::LabelSet labels, model::Entry entry)>;

  // Binds and starts serving. Fails when the address cannot be parsed or bound, or the TLS
  // files cannot be loaded.
  static util::Result<std::unique_ptr<SyslogListener>> start(SyslogListenerOptions options, Sink sink);
  ~SyslogListener();  // stop()
  SyslogListener(const SyslogListener&) = delete;
  SyslogListener& operator=(const SyslogListener&) = delete;

  // Closes the listening socket and every connection, and waits for the threads: once it
  // returns the sink is never called again.
  void stop();

  uint16_t port() const;  // the bound port (useful with port 0)
  const SyslogCounters& counters() const;

  struct Impl;

 private:
  explicit SyslogListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sources
