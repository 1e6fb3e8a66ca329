// libFuzzer target: any byte string sent to logd's HTTP server as one connection's request
// bytes (request line, headers, chunked bodies, trailers, pipelined requests, WebSocket
// upgrades) must be answered or cost only that connection: never a crash, a hang or a sanitizer
// report. The server (http::Server, Beast underneath) runs in-process on a loopback port with
// small limits and short timeouts; each input is written to a fresh connection whose write side
// is then shut down, and the answer read until the server closes.
// Build: make fuzz; run: build/fuzz/http_request_fuzzer -max_total_time=120 fuzz/http-corpus
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "http/server.h"

namespace {

http::Server& server() {
  static http::Server* s = [] {
    http::ServerOptions o;
    o.threads = 2;
    o.max_body_bytes = 1 << 20;
    o.max_decoded_body_bytes = 4 << 20;
    o.max_header_bytes = 16 << 10;
    o.read_timeout = std::chrono::milliseconds(500);
    o.idle_timeout = std::chrono::milliseconds(200);
    o.write_timeout = std::chrono::milliseconds(500);
    auto* srv = new http::Server(o);
    srv->route("GET", "/ready", [](const http::Request&) { return http::Response::text(200, "ready\n"); });
    srv->route("POST", "/echo", [](const http::Request& r) {
      http::Response res = http::Response::text(200, r.body);
      for (const auto& [n, v] : r.headers.fields()) res.headers.add("X-Got-" + n.substr(0, 32), v.substr(0, 64));
      return res;
    });
    srv->route_prefix("GET", "/loki/api/v1/label/", [](const http::Request& r) {
      return http::Response::json(200, "{\"path\":\"" + std::to_string(r.path.size()) + "\"}");
    });
    srv->websocket(
        "/ws", [](const http::Request&, http::WebSocket& ws) { ws.send_text("hi"); },
        [](const http::Request& r) -> std::optional<http::Response> {
          if (!r.headers.has("X-Scope-OrgID")) return http::Response::text(401, "no org id\n");
          return std::nullopt;
        });
    if (!srv->start().ok()) std::abort();
    return srv;
  }();
  return *s;
}

void exchange(uint16_t port, const uint8_t* data, size_t size) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    size_t off = 0;
    while (off < size) {
      ssize_t n = ::send(fd, data + off, size - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buf[16384];
    while (::recv(fd, buf, sizeof buf, 0) > 0) {
    }
  }
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  exchange(server().port(), data, size);
  return 0;
}
