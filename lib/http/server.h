// An HTTP/1.1 server with WebSocket upgrade, for logd's API. The implementation (Boost.Beast over
// Asio) is confined to server.cpp; this header is Boost-free.
//
// Requests are read on a pool of `threads` I/O threads and each route handler runs on one of
// them, so handlers must be thread-safe with respect to each other and may block (a slow handler
// occupies one pool thread). WebSocket handlers run on a thread of their own each.
//
// Routes are registered before start() and never change after: registration is not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/tls_options.h"
#include "http/websocket.h"
#include "util/result.h"

namespace http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the system picks a free port; see Server::port()
  int threads = 2;
  size_t max_body_bytes = 64 << 20;          // as sent; larger -> 413
  size_t max_decoded_body_bytes = 64 << 20;  // after gzip/deflate; larger -> 413
  // When set, the bound after gzip/deflate for one request (by its path and headers, e.g. a push
  // route's tenant), in place of max_decoded_body_bytes: decoding stops there, so a compression
  // bomb costs at most that much memory. Runs after the gate, on the pool threads.
  std::function<size_t(const Request&)> max_decoded_body_for{};
  size_t max_header_bytes = 64 << 10;        // header or trailer section -> 431; at most 64 KiB
  // Keep-alive wait for the next request's first byte.
  std::chrono::milliseconds idle_timeout{120'000};
  // Reading one request, header and body: counted from the accept for a connection's first
  // request, else from the request's first byte (Go's ReadTimeout).
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{60'000};
  // (A zero idle, read or write timeout is none, as in Go.)
  // Open connections (WebSockets included). At the cap the connection idle the longest is
  // closed to make room, and new ones wait in the listen backlog while none is idle.
  // 0: derived from the descriptor limit (effective_max_connections).
  size_t max_connections = 0;
  // Open WebSockets, each of which has a handler thread of its own: past it an upgrade is
  // answered 503 before upgrading (no thread started). 0: only max_connections bounds them.
  // `max_websockets_key` names the setting in that answer.
  size_t max_websockets = 0;
  std::string max_websockets_key = "max_websockets";
  // Told about failures that cost a connection but that no client sees (an exception in a
  // connection handler, a response that could not be encoded). May be called from any thread.
  std::function<void(std::string_view)> on_internal_error{};
  std::chrono::milliseconds shutdown_timeout{30'000};  // stop() waits this long for in-flight work
  // When enabled, every connection must start with a TLS handshake (finished within read_timeout);
  // plain HTTP there is answered 400 and closed. Routes and WebSockets work the same over TLS.
  TlsOptions tls{};
};

using Handler = std::function<Response(const Request&)>;
using WebSocketHandler = std::function<void(const Request&, WebSocket&)>;
// Runs before a WebSocket upgrade: a response refuses it (sent as plain HTTP, e.g. 401), nullopt
// lets the upgrade proceed.
using WebSocketAccept = std::function<std::optional<Response>(const Request&)>;
// Runs before every route and WebSocket upgrade, after the path and query are parsed and before
// a compressed body is decoded: a response refuses the request (authentication), nullopt lets
// it through. Runs on the pool threads as handlers do (checking a password hash takes CPU time).
using Gate = std::function<std::optional<Response>(const Request&)>;

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // `path` matches exactly. A method registered for no route at a path that exists -> 405.
  void route(std::string method, std::string path, Handler handler);
  // Matches every path starting with `prefix` (e.g. "/loki/api/v1/label/"); the longest prefix
  // wins, and exact routes win over prefixes.
  void route_prefix(std::string method, std::string prefix, Handler handler);
  // A GET upgrade to WebSocket at exactly `path`; a plain GET there is answered 400. `accept`,
  // when given, may refuse the upgrade first. Each handler runs on a thread of its own;
  // send_text() gives up (and drops the connection) when a write takes over write_timeout.
  void websocket(std::string path, WebSocketHandler handler, WebSocketAccept accept = {});

  // Installs the gate (at most one; before start()).
  void set_gate(Gate gate);

  // Loads the TLS certificate, key and client CAs (if any), binds, listens and starts the I/O
  // threads. Errors: unreadable or mismatched certificate and key, address in use, bad host, ...
  util::Status start();
  // The bound port (useful with port 0); 0 before start().
  uint16_t port() const;
  // The connection cap in force (after start()).
  size_t max_connections() const;

  // Graceful shutdown: stops accepting, closes idle keep-alive connections, lets requests in
  // flight finish and answer (with Connection: close), closes WebSockets with 1001, waits up to
  // shutdown_timeout, then stops the threads. Idempotent; safe from any thread except a handler.
  void stop();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The connection cap for a configured value: `configured` itself when positive; for 0, the soft
// RLIMIT_NOFILE less a reserve for the rest of the process (an eighth, at least 64).
size_t effective_max_connections(size_t configured);

}  // namespace http
