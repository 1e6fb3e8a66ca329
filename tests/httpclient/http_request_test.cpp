#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "http/server.h"
#include "httpclient/http_request.h"

namespace {

struct EchoServer {
  EchoServer() : server(http::ServerOptions{}) {
    server.route("PUT", "/obj", [](const http::Request& r) {
      auto res = http::Response::text(200, std::string(r.headers.get_or("X-Test", "")) + ":" + r.body);
      res.headers.set("ETag", "\"abc\"");
      return res;
    });
    server.route("GET", "/big", [](const http::Request&) { return http::Response::text(200, std::string(100'000, 'x')); });
    server.route("GET", "/missing", [](const http::Request&) { return http::Response::text(404, "no such thing"); });
    server.route("GET", "/slow", [](const http::Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2000));
      return http::Response::text(200, "late");
    });
    REQUIRE(server.start().ok());
    base = "http://127.0.0.1:" + std::to_string(server.port());
  }
  ~EchoServer() { server.stop(); }
  http::Server server;
  std::string base;
};

}  // namespace

TEST_CASE("httpclient: methods, headers, bodies and response headers") {
  EchoServer s;
  httpclient::Connection c;
  httpclient::Request put;
  put.method = "PUT";
  put.url = s.base + "/obj";
  put.headers = {"X-Test: yes"};
  put.body = "payload";
  auto r = c.perform(put);
  REQUIRE(r.transport_ok());
  CHECK(r.status == 200);
  CHECK(r.body == "yes:payload");
  CHECK(r.header("etag") == "\"abc\"");

  httpclient::Request get;
  get.url = s.base + "/missing";
  r = c.perform(get);  // the same connection again: keep-alive
  CHECK(r.transport_ok());
  CHECK_FALSE(r.ok());
  CHECK(r.status == 404);
  CHECK(r.body == "no such thing");
}

TEST_CASE("httpclient: body cap and streaming callback") {
  EchoServer s;
  httpclient::ConnectionPool pool;
  httpclient::Request get;
  get.url = s.base + "/big";
  get.max_body_bytes = 1000;
  auto r = pool.perform(get);
  CHECK(r.status == 200);
  CHECK(r.body.size() == 1000);
  CHECK(r.body_truncated);

  size_t seen = 0;
  get.on_data = [&](std::string_view piece) {
    seen += piece.size();
    return seen < 10;  // stop after the first piece
  };
  r = pool.perform(get);
  CHECK(r.transport_ok());  // stopped by the callback: not a transport error
  CHECK(seen > 0);
  CHECK(seen < 100'000);

  // The status is known before the first piece: an error answer can be kept whole instead.
  httpclient::Request missing;
  missing.url = s.base + "/missing";
  int status_seen = 0;
  missing.on_response = [&](const httpclient::Response& head) {
    status_seen = head.status;
    return true;
  };
  r = pool.perform(missing);
  CHECK(status_seen == 404);
  CHECK(r.body == "no such thing");
  missing.on_response = [](const httpclient::Response&) { return false; };
  r = pool.perform(missing);
  CHECK(r.transport_ok());  // stopped by the callback
  CHECK(r.body.empty());
}

TEST_CASE("httpclient: timeouts, cancellation and refused connections are transport errors") {
  EchoServer s;
  httpclient::Connection c;
  httpclient::Request slow;
  slow.url = s.base + "/slow";
  slow.timeout_ms = 200;
  auto r = c.perform(slow);
  CHECK_FALSE(r.transport_ok());
  CHECK(r.timed_out);

  std::atomic<bool> cancel{true};
  slow.timeout_ms = 0;
  slow.cancel = &cancel;
  r = c.perform(slow);
  CHECK(r.cancelled);

  httpclient::Request refused;
  refused.url = "http://127.0.0.1:1/";
  r = c.perform(refused);
  CHECK_FALSE(r.transport_ok());
  CHECK(r.status == 0);
}

TEST_CASE("httpclient: uri_encode") {
  CHECK(httpclient::uri_encode("a b/c~d", false) == "a%20b%2Fc~d");
  CHECK(httpclient::uri_encode("a b/c~d", true) == "a%20b/c~d");
  CHECK(httpclient::uri_encode("ü", false) == "%C3%BC");
}

TEST_CASE("httpclient: a request over a unix domain socket") {
  char dir_template[] = "/tmp/httpclient-unix-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string path = std::string(dir_template) + "/api.sock";
  int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  std::string request_seen;
  // One connection, one request: answers with the request line it read.
  std::thread server([&] {
    int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) return;
    char buf[4096];
    while (request_seen.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      request_seen.append(buf, static_cast<size_t>(n));
    }
    std::string first = request_seen.substr(0, request_seen.find("\r\n"));
    std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                         std::to_string(first.size()) + "\r\nConnection: close\r\n\r\n" + first;
    (void)!::write(fd, answer.data(), answer.size());
    ::close(fd);
  });
  httpclient::Connection c;
  httpclient::Request get;
  get.url = "http://localhost/v1.43/containers/json?all=0";
  get.unix_socket_path = path;
  get.timeout_ms = 5000;
  auto r = c.perform(get);
  server.join();
  ::close(listener);
  std::remove(path.c_str());
  ::rmdir(dir_template);
  REQUIRE(r.transport_ok());
  CHECK(r.status == 200);
  CHECK(r.body == "GET /v1.43/containers/json?all=0 HTTP/1.1");
  CHECK(request_seen.find("Host: localhost") != std::string::npos);

  get.unix_socket_path = path;  // the socket is gone now: a transport error naming no TCP port
  r = c.perform(get);
  CHECK_FALSE(r.transport_ok());
}
