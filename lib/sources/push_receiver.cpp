#include "sources/push_receiver.h"

#include "http/server.h"
#include "push/decode.h"
#include "relabel/relabel.h"

namespace sources {
struct PushReceiver::Impl {
  PushReceiverOptions options;
  util::Clock& clock() const { return options.clock ? *options.clock : util::system_clock(); }
  Sink sink;
  std::unique_ptr<http::Server> server;
  std::atomic<uint64_t> entries{0};
  bool stopped = false;

  // Promtail's order: the pushed labels, overridden by `labels`, then relabel_configs.
  std::optional<model::LabelSet> stream_labels(model::LabelSet labels) const {
    for (const model::Label& l : options.labels) labels.set(l.name, l.value);
    if (!options.relabel_rules.empty() && !relabel::apply_rules(options.relabel_rules, labels)) {
      return std::nullopt;
    }
    relabel::drop_reserved_labels(labels);
    if (labels.empty()) return std::nullopt;  // Loki rejects a stream without labels
    return labels;
  }

  http::Response handle_push(const http::Request& req) {
    auto format = push::body_format(req.headers.get_or("Content-Type", ""));
    if (!format.ok()) return http::Response::text(util::http_status_of(format.code()), format.error() + "\n");
    if (auto st = push::check_content_encoding(req.headers.get_or("Content-Encoding", "")); !st.ok()) {
      return http::Response::text(400, st.error() + "\n");
    }
    auto decoded = push::decode_body(*format, req.body);
    // Promtail answers every decode failure 400, an over-large body included.
    if (!decoded.ok()) return http::Response::text(400, decoded.error() + "\n");
    int64_t now = clock().now_ns();
    for (push::Stream& s : decoded->streams) {
      auto labels = stream_labels(std::move(s.labels));
      if (!labels) continue;
      if (!options.use_incoming_timestamp) {
        for (model::Entry& e : s.entries) e.timestamp = now;
      }
      entries += s.entries.size();
      sink(std::move(*labels), std::move(s.entries));
    }
    if (!decoded->invalid_streams.empty()) {
      return http::Response::text(400, decoded->invalid_streams.front().message + "\n");
    }
    return http::Response::empty(204);
  }

  http::Response handle_raw(const http::Request& req) {
    auto labels = stream_labels(model::LabelSet{});
    if (!labels) return http::Response::text(400, "no labels: set `labels` for raw pushes\n");
    std::vector<model::Entry> batch;
    int64_t now = clock().now_ns();
    std::string_view body = req.body;
    while (!body.empty()) {
      size_t nl = body.find('\n');
      std::string_view line = body.substr(0, nl);
      body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      batch.push_back(model::Entry{now, std::string(line), {}});
    }
    if (!batch.empty()) {
      entries += batch.size();
      sink(std::move(*labels), std::move(batch));
    }
    return http::Response::empty(204);
  }
};

util::Result<std::unique_ptr<PushReceiver>> PushReceiver::start(PushReceiverOptions options, Sink sink) {
  auto impl = std::make_unique<Impl>();
  http::ServerOptions so;
  so.host = options.listen_address.empty() ? "0.0.0.0" : options.listen_address;
  so.port = options.listen_port;
  so.max_body_bytes = options.max_body_bytes;
  so.max_decoded_body_bytes = options.max_body_bytes;  // as sent or after gzip
  impl->options = std::move(options);
  impl->sink = std::move(sink);
  impl->server = std::make_unique<http::Server>(so);
  Impl* p = impl.get();
  impl->server->route("POST", "/loki/api/v1/push", [p](const http::Request& r) { return p->handle_push(r); });
  impl->server->route("POST", "/promtail/api/v1/raw", [p](const http::Request& r) { return p->handle_raw(r); });
  impl->server->route("GET", "/ready", [](const http::Request&) { return http::Response::text(200, "ready\n"); });
  if (auto st = impl->server->start(); !st.ok()) {
    return util::prefixed("loki_push_api: cannot listen on " + so.host + ":" + std::to_string(so.port) + ": ", st.status_error());
  }
  return std::unique_ptr<PushReceiver>(new PushReceiver(std::move(impl)));
}

PushReceiver::PushReceiver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PushReceiver::~PushReceiver() { stop(); }

void PushReceiver::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->server->stop();
}

uint16_t PushReceiver::port() const { return impl_->server->port(); }
uint64_t PushReceiver::entries_received() const { return impl_->entries; }

}  // namespace sources
