#include "sources/syslog_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <list>
#include <map>
#include <mutex>
#include <thread>

#include "sources/listen_socket.h"
#include "sources/syslog_framing.h"
#include "sources/syslog_labels.h"
#include "sources/syslog_message.h"

namespace sources {
namespace {


int current_utc_year() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

std::string ip_string(const sockaddr_storage& sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(sa).sin_addr, buf, sizeof buf);
  } else if (sa.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(sa).sin6_addr, buf, sizeof buf);
  }
  return buf;
}

// Reverse DNS as Promtail's net.LookupAddr; empty when the address has no name.
std::string reverse_lookup(const sockaddr_storage& sa, socklen_t len) {
  char host[NI_MAXHOST] = {0};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&sa), len, host, sizeof host, nullptr, 0,
                  NI_NAMEREQD) != 0) {
    return "";
  }
  std::string name = host;
  if (!name.empty() && name.back() != '.') name.push_back('.');  // Go returns FQDNs with the dot
  return name;
}

}  // namespace

struct SyslogListener::Impl {
  SyslogListenerOptions options;
  Sink sink;
  SyslogCounters counters;
  int listen_fd = -1;
  int wake_fd = -1;  // eventfd: readable once stop() is called
  uint16_t port = 0;
  int rfc3164_year = 0;
  std::thread main_thread;  // accept loop (TCP) or receive loop (UDP)
  std::shared_ptr<TlsServerContext> tls;  // null: plain TCP

  struct Connection {
    int fd = -1;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::mutex mu;
  std::list<Connection> connections;  // guarded by mu
  bool stopped = false;

  ~Impl() {
    if (listen_fd >= 0) close(listen_fd);
    if (wake_fd >= 0) close(wake_fd);
  }

  model::LabelSet connection_labels(const sockaddr_storage& sa, socklen_t len) const {
    model::LabelSet labels = options.labels;
    labels.set("__syslog_connection_ip_address", ip_string(sa));
    if (options.lookup_hostnames) labels.set("__syslog_connection_hostname", reverse_lookup(sa, len));
    return labels;
  }

  void handle_frame(std::string_view frame, const model::LabelSet& conn_labels) {
    auto m = options.rfc3164 ? parse_rfc3164(frame, rfc3164_year) : parse_rfc5424(frame);
    if (!m.ok()) {
      counters.parse_errors++;
      return;
    }
    if (m->message.empty()) {
      counters.empty_messages++;  // Promtail skips messages without MSG
      return;
    }
    model::LabelSet meta = conn_labels;
    add_syslog_message_labels(*m, options.label_structured_data, meta);
    auto labels = syslog_stream_labels(std::move(meta), options.relabel_rules);
    if (!labels) {
      counters.dropped_by_relabel++;
      return;
    }
    model::Entry entry;
    util::Clock& clock = options.clock ? *options.clock : util::system_clock();
    entry.timestamp = options.use_incoming_timestamp && m->timestamp ? *m->timestamp : clock.now_ns();
    std::string_view line = options.use_rfc5424_message ? frame : m->message;
    // rsyslog's octet-counted forwarding templates end each frame with a newline; it is framing
    // residue, not part of the line.
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    entry.line.assign(line);
    counters.entries++;  // before the sink: whoever sees the entry sees it counted
    sink(std::move(*labels), std::move(entry));
  }

  // Waits until `fd` is readable, stop() was called, or `timeout_ms` passed (-1: forever).
  // Returns 1 readable, 0 timeout, -1 stopping.
  int wait_readable(int fd, int timeout_ms) const { return wait_for(fd, POLLIN, timeout_ms); }

  // The same for any poll `events` (POLLOUT: a TLS handshake may need to write).
  int wait_for(int fd, short events, int timeout_ms) const {
    pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    for (;;) {
      int n = poll(fds, 2, timeout_ms);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || fds[1].revents) return -1;
      return n == 0 ? 0 : 1;
    }
  }

  void serve_connection(Connection* conn, model::LabelSet conn_labels) {
    SyslogFrameDecoder decoder(options.max_message_length);
    auto on_frame = [&](std::string_view f) { handle_frame(f, conn_labels); };
    int idle_ms = static_cast<int>(std::min<int64_t>(options.idle_timeout_ns / 1'000'000, INT32_MAX));
    if (idle_ms <= 0) idle_ms = -1;
    char buf[64 * 1024];
    if (tls) {
      serve_tls_connection(conn, decoder, on_frame, idle_ms, buf, sizeof buf);
      counters.truncated += decoder.truncated();
      conn->done = true;
      return;
    }
    for (;;) {
      if (wait_readable(conn->fd, idle_ms) <= 0) break;  // idle timeout or stopping
      ssize_t n = recv(conn->fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        decoder.finish(on_frame);
        break;
      }
      if (!decoder.feed(std::string_view(buf, static_cast<size_t>(n)), on_frame).ok()) {
        counters.parse_errors++;
        break;
      }
    }
    counters.truncated += decoder.truncated();
    conn->done = true;
  }

  // The TLS half of serve_connection: handshake (a client without an acceptable certificate is
  // refused here), then the same framing over the decrypted stream.
  void serve_tls_connection(Connection* conn, SyslogFrameDecoder& decoder,
                            const SyslogFrameDecoder::FrameHandler& on_frame, int idle_ms, char* buf,
                            size_t size) {
    // OpenSSL writes (handshake, alerts, close_notify) with plain write(): a client that is
    // gone must not kill the process with SIGPIPE, whatever the embedding program's handlers.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    int flags = fcntl(conn->fd, F_GETFL);
    if (flags < 0 || fcntl(conn->fd, F_SETFL, flags | O_NONBLOCK) < 0) return;
    TlsStream stream(tls, conn->fd);
    TlsStream::Wait wait = [&](short events) { return wait_for(conn->fd, events, idle_ms); };
    if (!stream.handshake(wait)) {
      counters.tls_handshake_errors++;
      return;
    }
    for (;;) {
      size_t n = 0;
      TlsStream::ReadResult r = stream.read(buf, size, n, wait);
      if (r == TlsStream::ReadResult::kFailed) break;  // idle timeout, stopping or broken
      if (r == TlsStream::ReadResult::kEnd) {
        decoder.finish(on_frame);
        break;
      }
      if (!decoder.feed(std::string_view(buf, n), on_frame).ok()) {
        counters.parse_errors++;
        break;
      }
    }
  }

  void reap_finished_connections() {
    std::lock_guard lock(mu);
    for (auto it = connections.begin(); it != connections.end();) {
      if (it->done) {
        it->thread.join();
        close(it->fd);
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }

  void accept_loop() {
    for (;;) {
      int w = wait_readable(listen_fd, 1000);
      if (w < 0) return;
      reap_finished_connections();
      if (w == 0) continue;
      sockaddr_storage sa{};
      socklen_t len = sizeof sa;
      int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      std::lock_guard lock(mu);
      if (stopped) {
        close(fd);
        return;
      }
      Connection& conn = connections.emplace_back();
      conn.fd = fd;
      conn.thread = std::thread([this, c = &conn, labels = connection_labels(sa, len)]() mutable {
        serve_connection(c, std::move(labels));
      });
    }
  }

  void receive_loop() {
    std::vector<char> buf(64 * 1024);
    // Reverse lookups are slow; remember the last sender's labels (most streams have one sender).
    std::string last_ip;
    model::LabelSet last_labels;
    for (;;) {
      if (wait_readable(listen_fd, -1) < 0) return;
      sockaddr_storage sa{};
      socklen_t len = sizeof sa;
      ssize_t n = recvfrom(listen_fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&sa), &len);
      if (n <= 0) continue;
      std::string ip = ip_string(sa);
      if (ip != last_ip) {
        last_labels = connection_labels(sa, len);
        last_ip = ip;
      }
      SyslogFrameDecoder decoder(options.max_message_length);
      auto on_frame = [&](std::string_view f) { handle_frame(f, last_labels); };
      if (!decoder.feed(std::string_view(buf.data(), static_cast<size_t>(n)), on_frame).ok()) {
        counters.parse_errors++;
        continue;
      }
      decoder.finish(on_frame);
      counters.truncated += decoder.truncated();
    }
  }
};

util::Result<std::unique_ptr<SyslogListener>> SyslogListener::start(SyslogListenerOptions options,
                                                                    Sink sink) {
  auto impl = std::make_unique<Impl>();
  bool udp = options.listen_protocol == "udp";
  if (!udp && options.listen_protocol != "tcp") {
    return util::Error{"syslog: unsupported listen_protocol \"" + options.listen_protocol + "\" (tcp, udp)"};
  }
  if (options.tls.enabled()) {
    if (udp) return util::Error{"syslog: tls_config needs listen_protocol tcp"};
    auto ctx = TlsServerContext::create(options.tls);
    if (!ctx.ok()) return util::prefixed("syslog: ", ctx.status_error());
    impl->tls = std::move(*ctx);
  }
  auto bound = bind_listen_socket(options.listen_address, udp);
  if (!bound.ok()) return util::prefixed("syslog: ", bound.status_error());
  impl->listen_fd = bound->fd;
  impl->port = bound->port;
  impl->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl->wake_fd < 0) return util::Error{std::string("syslog: eventfd: ") + std::strerror(errno)};
  impl->rfc3164_year = options.rfc3164_default_to_current_year ? current_utc_year() : 0;
  impl->options = std::move(options);
  impl->sink = std::move(sink);
  Impl* p = impl.get();
  impl->main_thread = udp ? std::thread([p] { p->receive_loop(); }) : std::thread([p] { p->accept_loop(); });
  return std::unique_ptr<SyslogListener>(new SyslogListener(std::move(impl)));
}

SyslogListener::SyslogListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SyslogListener::~SyslogListener() { stop(); }

void SyslogListener::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  uint64_t one = 1;
  (void)!write(impl_->wake_fd, &one, sizeof one);
  if (impl_->main_thread.joinable()) impl_->main_thread.join();
  std::lock_guard lock(impl_->mu);
  for (auto& c : impl_->connections) {
    c.thread.join();
    close(c.fd);
  }
  impl_->connections.clear();
}

uint16_t SyslogListener::port() const { return impl_->port; }
const SyslogCounters& SyslogListener::counters() const { return impl_->counters; }

}  // namespace sources
