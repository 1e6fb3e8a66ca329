#include <doctest/doctest.h>

#include <atomic>
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
