// GelfListener (see gelf_listener.h).
#include "sources/gelf_listener.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

#include "relabel/relabel.h"
#include "sources/gelf_chunks.h"
#include "sources/gelf_message.h"
#include "sources/listen_socket.h"

namespace sources {

struct GelfListener::Impl {
  GelfListenerOptions options;
  Sink sink;
  GelfCounters counters;
  int fd = -1;
  int wake_fd = -1;  // eventfd: readable once stop() is called
  uint16_t port = 0;
  std::thread thread;
  std::mutex mu;
  bool stopped = false;

  ~Impl() {
    if (fd >= 0) close(fd);
    if (wake_fd >= 0) close(wake_fd);
  }

  util::Clock& clock() const { return options.clock ? *options.clock : util::system_clock(); }

  void handle(const GelfMessage& m) {
    model::LabelSet meta = options.labels;
    auto set = [&](std::string_view name, std::string_view value) {
      if (value.empty()) {
        meta.erase(name);
      } else {
        meta.set(std::string(name), std::string(value));
      }
    };
    set("__gelf_message_level", gelf_level_name(m.level));
    set("__gelf_message_host", m.host);
    set("__gelf_message_version", m.version);
    set("__gelf_message_facility", m.facility);
    if (!options.relabel_rules.empty() && !relabel::apply_rules(options.relabel_rules, meta)) {
      counters.dropped_by_relabel++;
      return;
    }
    relabel::drop_reserved_labels(meta);
    int64_t ts = clock().now_ns();
    if (options.use_incoming_timestamp && m.timestamp != 0 && std::isfinite(m.timestamp)) {
      ts = static_cast<int64_t>(m.timestamp * 1e9);  // Go: int64(seconds * float64(time.Second))
    }
    counters.entries++;
    sink(std::move(meta), model::Entry{ts, gelf_message_json(m), {}});
  }

  void receive_loop() {
    std::vector<char> buf(64 * 1024);
    GelfChunkAssembler chunks;
    for (;;) {
      pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
      int n = poll(fds, 2, 1000);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || fds[1].revents) return;
      const int64_t now = clock().now_ns();
      chunks.expire(now);
      if (n == 0) continue;
      ssize_t got = recv(fd, buf.data(), buf.size(), 0);
      if (got <= 0) continue;
      std::string_view datagram(buf.data(), static_cast<size_t>(got));
      std::string payload;
      if (is_gelf_chunk(datagram)) {
        auto r = chunks.add(datagram, now);
        if (!r.ok()) {
          counters.errors++;
          continue;
        }
        if (!*r) continue;  // more chunks to come
        payload = std::move(**r);
        datagram = payload;
      }
      auto m = parse_gelf_payload(datagram);
      if (!m.ok()) {
        counters.errors++;
        continue;
      }
      handle(*m);
    }
  }
};

util::Result<std::unique_ptr<GelfListener>> GelfListener::start(GelfListenerOptions options, Sink sink) {
  auto impl = std::make_unique<Impl>();
  auto bound = bind_listen_socket(options.listen_address, /*udp=*/true);
  if (!bound.ok()) return util::prefixed("gelf: ", bound.status_error());
  impl->fd = bound->fd;
  impl->port = bound->port;
  impl->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl->wake_fd < 0) return util::Error{std::string("gelf: eventfd: ") + std::strerror(errno)};
  impl->options = std::move(options);
  impl->sink = std::move(sink);
  Impl* p = impl.get();
  impl->thread = std::thread([p] { p->receive_loop(); });
  return std::unique_ptr<GelfListener>(new GelfListener(std::move(impl)));
}

GelfListener::GelfListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GelfListener::~GelfListener() { stop(); }

void GelfListener::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  uint64_t one = 1;
  (void)!write(impl_->wake_fd, &one, sizeof one);
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t GelfListener::port() const { return impl_->port; }
const GelfCounters& GelfListener::counters() const { return impl_->counters; }

}  // namespace sources
