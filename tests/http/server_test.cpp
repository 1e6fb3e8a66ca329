#include <doctest/doctest.h>
#include <zlib.h>

#include <atomic>
#include <memory>
#include <thread>

#include "http/server.h"
#include "test_client.h"

using http_test::Connection;

namespace {

std::string gzip(const std::string& data, bool gzip_wrapper = true) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip_wrapper ? 16 + MAX_WBITS : MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A server with the routes the tests use, on 127.0.0.1 and a free port.
struct TestServer {
  explicit TestServer(http::ServerOptions o = {}) : server(o) {
    server.route("GET", "/hello", [](const http::Request& r) {
      auto p = r.param("name");
      return http::Response::text(200, "hello " + std::string(p ? *p : "world"));
    });
    server.route("POST", "/hello", [](const http::Request& r) { return http::Response::text(200, r.body); });
    server.route("POST", "/echo", [](const http::Request& r) {
      std::string enc(r.headers.get_or("Content-Encoding", "none"));
      return http::Response::text(200, enc + ":" + r.body);
    });
    server.route_prefix("GET", "/loki/api/v1/label/", [](const http::Request& r) {
      return http::Response::json(200, "{\"path\":\"" + r.path + "\"}");
    });
    server.route_prefix("GET", "/loki/api/v1/label/special/", [](const http::Request&) {
      return http::Response::text(200, "longer prefix");
    });
    server.route("GET", "/params", [](const http::Request& r) {
      std::string out;
      for (auto v : r.params("match[]")) out += std::string(v) + ";";
      return http::Response::text(200, out);
    });
    server.route("GET", "/slow", [](const http::Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return http::Response::text(200, "done");
    });
    server.route("GET", "/throw", [](const http::Request&) -> http::Response { throw std::runtime_error("boom"); });
    server.websocket("/ws", [this](const http::Request& r, http::WebSocket& ws) {
      ws.send_text("hello " + std::string(r.param("who").value_or("?")));
      while (ws.is_open()) {
        auto m = ws.receive(std::chrono::milliseconds(50));
        if (m) ws.send_text("echo:" + *m);
      }
      ws_handler_done = true;
    });
    REQUIRE(server.start().ok());
    REQUIRE(server.port() != 0);
  }
  http::Server server;
  std::atomic<bool> ws_handler_done{false};
};

}  // namespace

TEST_CASE("http server: routing, 404, 405, prefixes and query parameters") {
  TestServer ts;
  Connection c(ts.server.port());
  REQUIRE(c.connected());
  auto r = c.request("GET", "/hello?name=a%20b");
  CHECK(r.status == 200);
  CHECK(r.body == "hello a b");
  CHECK(r.headers.get("content-type") == "text/plain; charset=utf-8");
  r = c.request("GET", "/nope");
  CHECK(r.status == 404);
  r = c.request("DELETE", "/hello");
  CHECK(r.status == 405);
  CHECK(r.headers.get("Allow") == "GET, POST");
  r = c.request("GET", "/loki/api/v1/label/job/values");
  CHECK(r.status == 200);
  CHECK(r.body == "{\"path\":\"/loki/api/v1/label/job/values\"}");
  r = c.request("GET", "/loki/api/v1/label/special/values");
  CHECK(r.body == "longer prefix");
  r = c.request("GET", "/loki/api/v1/label/a%2Fb/values");  // path is percent-decoded
  CHECK(r.body == "{\"path\":\"/loki/api/v1/label/a/b/values\"}");
  r = c.request("GET", "/params?match[]=%7Ba%3D%22b%22%7D&match%5B%5D=x");
  CHECK(r.body == "{a=\"b\"};x;");
  r = c.request("GET", "/params?bad=%zz");
  CHECK(r.status == 400);
  r = c.request("GET", "/throw");
  CHECK(r.status == 500);
  CHECK(r.body.find("boom") != std::string::npos);
  r = c.request("GET", "/ws");  // not an upgrade
  CHECK(r.status == 400);
}

TEST_CASE("http server: keep-alive serves several requests on one connection, pipelined too") {
  TestServer ts;
  Connection c(ts.server.port());
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("POST", "/hello", "body" + std::to_string(i));
    REQUIRE(r.status == 200);
    CHECK(r.body == "body" + std::to_string(i));
  }
  c.send("GET /hello?name=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello?name=2 HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(c.read_response().body == "hello 1");
  CHECK(c.read_response().body == "hello 2");
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(c.read_response().status == 200);
  CHECK(c.closed_by_peer());
}

TEST_CASE("http server: concurrent clients") {
  http::ServerOptions o;
  o.threads = 4;
  TestServer ts(o);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      Connection c(ts.server.port());
      for (int i = 0; i < 25; ++i) {
        std::string name = std::to_string(t) + "-" + std::to_string(i);
        auto r = c.request("GET", "/hello?name=" + name);
        if (r.status == 200 && r.body == "hello " + name) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  CHECK(ok == 200);
}

TEST_CASE("http server: body limits, gzip and deflate bodies, Expect: 100-continue") {
  http::ServerOptions o;
  o.max_body_bytes = 1000;
  o.max_decoded_body_bytes = 5000;
  TestServer ts(o);
  {
    Connection c(ts.server.port());
    auto r = c.request("POST", "/hello", std::string(2000, 'x'));
    CHECK(r.status == 413);
    CHECK(c.closed_by_peer());
  }
  Connection c(ts.server.port());
  auto r = c.request("POST", "/echo", gzip("compressed payload"), "Content-Encoding: gzip\r\n");
  CHECK(r.status == 200);
  CHECK(r.body == "none:compressed payload");  // decoded, and the header removed
  r = c.request("POST", "/echo", gzip("zlib payload", false), "Content-Encoding: deflate\r\n");
  CHECK(r.body == "none:zlib payload");
  r = c.request("POST", "/echo", "snappy-bytes", "Content-Encoding: snappy\r\n");
  CHECK(r.body == "snappy:snappy-bytes");  // not ours to decode: passed through
  {
    Connection bomb(ts.server.port());
    auto big = bomb.request("POST", "/echo", gzip(std::string(6000, 'a')), "Content-Encoding: gzip\r\n");
    CHECK(big.status == 413);
  }
  {
    Connection bad(ts.server.port());
    auto corrupt = bad.request("POST", "/echo", "not gzip", "Content-Encoding: gzip\r\n");
    CHECK(corrupt.status == 400);
  }
  Connection e(ts.server.port());
  e.send("POST /hello HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  REQUIRE(e.fill(25));
  CHECK(e.take(25) == "HTTP/1.1 100 Continue\r\n\r\n");
  e.send("data");
  CHECK(e.read_response().body == "data");
}

TEST_CASE("http server: malformed requests get 400 and the connection closes") {
  TestServer ts;
  const char* garbage[] = {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n",
                           "POST /hello HTTP/1.1\r\nContent-Length: abc\r\n\r\n"};
  for (const char* g : garbage) {
    CAPTURE(g);
    Connection c(ts.server.port());
    c.send(g);
    auto r = c.read_response();
    CHECK(r.status == 400);
    CHECK(r.body.find("malformed HTTP request") == 0);
  }
  http::ServerOptions small;
  small.max_header_bytes = 256;
  TestServer ts2(small);
  Connection c(ts2.server.port());
  CHECK(c.request("GET", "/hello", "", "X-Big: " + std::string(1000, 'h') + "\r\n").status == 431);
}

TEST_CASE("http server: read timeout closes a connection whose request never completes") {
  http::ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(200);
  TestServer ts(o);
  Connection c(ts.server.port());
  c.send("GET /hel");  // never finished
  CHECK(c.closed_by_peer());
}

TEST_CASE("http server: WebSocket handshake, messages both ways, close") {
  TestServer ts;
  Connection c(ts.server.port());
  c.send("GET /ws?who=me HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  auto r = c.read_response();
  REQUIRE(r.status == 101);
  // RFC 6455's worked example: this key must give this accept value.
  CHECK(r.headers.get("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  auto read_frame = [&]() -> std::string {
    if (!c.fill(2)) return "<eof>";
    std::string h = c.take(2);
    size_t len = static_cast<unsigned char>(h[1]) & 0x7f;
    REQUIRE(len < 126);
    REQUIRE(c.fill(len));
    std::string payload = c.take(len);
    return (static_cast<unsigned char>(h[0]) & 0x0f) == 8 ? "<close>" : payload;
  };
  CHECK(read_frame() == "hello me");
  // Client frames are masked (RFC 6455 5.3).
  std::string msg = "ping?";
  unsigned char mask[4] = {1, 2, 3, 4};
  std::string frame = {'\x81', static_cast<char>(0x80 | msg.size())};
  frame.append(reinterpret_cast<char*>(mask), 4);
  for (size_t i = 0; i < msg.size(); ++i) frame.push_back(static_cast<char>(msg[i] ^ mask[i % 4]));
  c.send(frame);
  CHECK(read_frame() == "echo:ping?");
  // Client close: the handler sees is_open() turn false and returns.
  std::string close_frame = {'\x88', '\x80'};
  close_frame.append(reinterpret_cast<char*>(mask), 4);
  c.send(close_frame);
  CHECK(read_frame() == "<close>");
  for (int i = 0; i < 100 && !ts.ws_handler_done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(ts.ws_handler_done);
}

TEST_CASE("http server: graceful stop finishes in-flight requests, closes idle ones and WebSockets") {
  auto ts = std::make_unique<TestServer>();
  uint16_t port = ts->server.port();
  Connection idle(port);
  CHECK(idle.request("GET", "/hello").status == 200);
  Connection ws(port);
  ws.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  REQUIRE(ws.read_response().status == 101);
  http_test::Connection::Reply slow_reply;
  std::thread slow([&] {
    Connection c(port);
    slow_reply = c.request("GET", "/slow");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // /slow is now in its handler
  std::string ws_seen;
  std::thread ws_client([&] {  // answers the server's close frame, as a real client does
    while (ws.fill(2)) {
      std::string h = ws.take(2);
      size_t len = static_cast<unsigned char>(h[1]) & 0x7f;
      if (!ws.fill(len)) break;
      std::string payload = ws.take(len);
      if ((static_cast<unsigned char>(h[0]) & 0x0f) == 8) {
        ws_seen = "close " + std::to_string((static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]));
        ws.send(std::string{'\x88', '\x80', 0, 0, 0, 0});
        ws.shutdown_write();  // and closes its side, as clients do after the closing handshake
        break;
      }
    }
  });
  auto t0 = std::chrono::steady_clock::now();
  ts->server.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  slow.join();
  ws_client.join();
  CHECK(ws_seen == "close 1001");
  CHECK(slow_reply.status == 200);
  CHECK(slow_reply.body == "done");
  CHECK(slow_reply.headers.get("Connection") == "close");
  CHECK(idle.closed_by_peer());
  CHECK(ts->ws_handler_done);
  Connection after(port);
  CHECK(!after.connected());
  ts->server.stop();  // idempotent
}

TEST_CASE("http server: start fails clearly when the port is taken") {
  TestServer ts;
  http::ServerOptions o;
  o.port = ts.server.port();
  http::Server second(o);
  auto st = second.start();
  CHECK(!st.ok());
  CHECK(st.error().find("cannot listen on 127.0.0.1:") == 0);
  http::ServerOptions bad;
  bad.host = "not-an-ip";
  CHECK(!http::Server(bad).start().ok());
}

TEST_CASE("http server: max_websockets refuses an upgrade past the cap with 503, before a handler thread") {
  http::ServerOptions o;
  o.max_websockets = 2;
  o.max_websockets_key = "querier.tail_max_connections";
  TestServer ts(o);
  const std::string upgrade = "GET /ws?who=a HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  auto a = std::make_unique<Connection>(ts.server.port());
  Connection b(ts.server.port()), third(ts.server.port());
  a->send(upgrade);
  CHECK(a->read_response().status == 101);
  b.send(upgrade);
  CHECK(b.read_response().status == 101);
  third.send(upgrade);
  auto r = third.read_response();
  CHECK(r.status == 503);
  CHECK(r.body == "too many open WebSocket connections: the limit is 2 (querier.tail_max_connections)\n");
  // A closed WebSocket gives its slot back once its handler has returned.
  a.reset();
  bool admitted = false;
  for (int i = 0; i < 200 && !admitted; ++i) {
    Connection again(ts.server.port());
    again.send(upgrade);
    admitted = again.read_response().status == 101;
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(admitted);
}
