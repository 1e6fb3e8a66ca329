// The HTTP server under hostile clients: malformed framing, oversized trailers, missing Host,
// slow or silent connections and a connection cap. Each case costs the offending connection at
// most, never the process, and the server keeps answering others afterwards.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "http/server.h"
#include "test_client.h"

using http_test::Connection;

namespace {

struct HardenedServer {
  explicit HardenedServer(http::ServerOptions o = {}) : server(o) {
    server.route("GET", "/ready", [](const http::Request&) { return http::Response::text(200, "ready"); });
    server.route("POST", "/echo", [](const http::Request& r) { return http::Response::text(200, r.body); });
    REQUIRE(server.start().ok());
  }
  uint16_t port() const { return server.port(); }
  // A fresh connection's GET /ready status (0 when nothing came back).
  int ready() const {
    Connection c(port());
    return c.request("GET", "/ready").status;
  }
  http::Server server;
};

std::string chunked_request(const std::string& trailer) {
  return "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5\r\nhello\r\n0\r\n" + trailer + "\r\n";
}

}  // namespace

TEST_CASE("http hardening: a chunked trailer field too long for a header costs only its connection") {
  HardenedServer s;
  // 70,000 bytes in one trailer field: Beast cannot store a field over 65,535 bytes and used to
  // throw out of the I/O thread (std::terminate), on any route and without credentials.
  for (size_t len : {size_t{70'000}, size_t{65'530}, size_t{200'000}}) {
    Connection c(s.port());
    REQUIRE(c.connected());
    c.send(chunked_request("X-Big: " + std::string(len, 'a') + "\r\n"));
    auto r = c.read_response();
    CHECK(r.status == 431);
    CHECK(s.ready() == 200);
  }
  // A small trailer is fine: the body is what the chunks held.
  Connection ok(s.port());
  ok.send(chunked_request("X-Small: 1\r\n"));
  auto r = ok.read_response();
  CHECK(r.status == 200);
  CHECK(r.body == "hello");
}

TEST_CASE("http hardening: many trailer fields and long chunk extensions are bounded too") {
  HardenedServer s;
  std::string many;
  for (int i = 0; i < 20'000; ++i) many += "T" + std::to_string(i) + ": v\r\n";
  Connection c(s.port());
  c.send(chunked_request(many));
  CHECK(c.read_response().status == 431);
  Connection ext(s.port());
  ext.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;" + std::string(100'000, 'e') +
           "\r\nhello\r\n0\r\n\r\n");
  int status = ext.read_response().status;
  CHECK((status == 431 || status == 400));
  CHECK(s.ready() == 200);
}

TEST_CASE("http hardening: HTTP/1.1 without Host is 400, as Go's server answers") {
  HardenedServer s;
  Connection c(s.port());
  c.send("GET /ready HTTP/1.1\r\n\r\n");
  auto r = c.read_response();
  CHECK(r.status == 400);
  CHECK(r.body == "missing required Host header\n");
  Connection two(s.port());
  two.send("GET /ready HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  CHECK(two.read_response().status == 400);
  Connection http10(s.port());  // HTTP/1.0 has no Host requirement
  http10.send("GET /ready HTTP/1.0\r\n\r\n");
  CHECK(http10.read_response().status == 200);
}

TEST_CASE("http hardening: a transfer coding other than chunked is 501, never read by Content-Length") {
  HardenedServer s;
  for (const char* te : {"xchunked", "chunked, gzip", "gzip", "identity", "chunked\r\nTransfer-Encoding: chunked"}) {
    CAPTURE(te);
    Connection c(s.port());
    c.send(std::string("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ") + te +
           "\r\nContent-Length: 5\r\n\r\nhello");
    auto r = c.read_response();
    CHECK(r.status == 501);
    CHECK(r.body == "Unsupported transfer encoding\n");
  }
  Connection ok(s.port());
  ok.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
  auto r = ok.read_response();
  CHECK(r.status == 200);
  CHECK(r.body == "hi");
}

TEST_CASE("http hardening: read_timeout bounds a trickled header from the accept, not per byte") {
  http::ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(300);
  o.idle_timeout = std::chrono::seconds(60);
  HardenedServer s(o);
  Connection c(s.port());
  // One byte every 100 ms would take 6 s to finish the request line; the server closes the
  // connection at its deadline, long before (before, each byte restarted nothing but the idle
  // timeout of 60 s applied to the whole header).
  std::string line = "GET /ready HTTP/1.1\r\nHost: t\r\n";
  bool closed = false;
  for (size_t i = 0; i < 60 && !closed; ++i) {
    c.send(line.substr(i % line.size(), 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    closed = c.closed_by_peer_now();
  }
  CHECK(closed);
  // A silent connection is closed too (read_timeout from the accept, not idle_timeout).
  Connection silent(s.port());
  CHECK(silent.closed_by_peer());
}

TEST_CASE("http hardening: read_timeout bounds a trickled body too") {
  http::ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(300);
  o.idle_timeout = std::chrono::seconds(60);
  HardenedServer s(o);
  Connection c(s.port());
  // A complete header, then a 1,000-byte body one byte every 100 ms: the deadline covers the
  // whole request, so the connection is closed long before the body could finish.
  c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n");
  bool closed = false;
  for (size_t i = 0; i < 60 && !closed; ++i) {
    c.send("x");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    closed = c.closed_by_peer_now();
  }
  CHECK(closed);
  CHECK(s.ready() == 200);
}

TEST_CASE("http hardening: at the connection cap the longest-idle connection makes room for a new one") {
  http::ServerOptions o;
  o.max_connections = 4;
  o.read_timeout = std::chrono::seconds(1);
  HardenedServer s(o);
  CHECK(s.server.max_connections() == 4);
  std::vector<std::unique_ptr<Connection>> silent;
  for (int i = 0; i < 4; ++i) {
    silent.push_back(std::make_unique<Connection>(s.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(s.ready() == 200);          // answered although the cap was reached
  CHECK(silent[0]->closed_by_peer());  // the oldest silent one was closed for it
  // Connections busy sending a header are not evicted: a new one waits until their deadline.
  std::vector<std::unique_ptr<Connection>> partial;
  for (int i = 0; i < 4; ++i) {
    partial.push_back(std::make_unique<Connection>(s.port()));
    partial.back()->send("GET /ready HTTP/1.1\r\n");
  }
  CHECK(s.ready() == 200);
}

TEST_CASE("http hardening: the default connection cap leaves descriptors for the rest of the process") {
  CHECK(http::effective_max_connections(100) == 100);
  size_t derived = http::effective_max_connections(0);
  rlimit nofile{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &nofile) == 0);
  if (nofile.rlim_cur != RLIM_INFINITY && nofile.rlim_cur > 200) {
    CHECK(derived < nofile.rlim_cur);
    CHECK(derived + 64 <= nofile.rlim_cur);
  }
}

TEST_CASE("http hardening: a handler sees when its client has hung up") {
  http::Server server(http::ServerOptions{});
  std::promise<bool> saw;
  auto seen = saw.get_future();
  server.route("GET", "/work", [&](const http::Request& r) {
    REQUIRE(r.client_gone);
    bool gone = false;
    // The work a query does, checking now and then whether anyone still waits for it.
    for (int i = 0; i < 2000 && !gone; ++i) {
      gone = r.client_gone();
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    saw.set_value(gone);
    return http::Response::text(200, "late");
  });
  server.route("GET", "/here", [](const http::Request& r) {
    return http::Response::text(200, r.client_gone() ? "gone" : "here");
  });
  REQUIRE(server.start().ok());
  {
    Connection c(server.port());
    c.send("GET /work HTTP/1.1\r\nHost: t\r\n\r\n");
  }  // closed right away: the request is read, its answer never will be
  REQUIRE(seen.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(seen.get());
  Connection stays(server.port());  // a client still waiting for its answer is not gone
  CHECK(stays.request("GET", "/here").body == "here");
}
