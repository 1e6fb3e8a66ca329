// logcli's WebSocket client against lib/http's server (plain; TLS is covered end to end by
// tests/e2e/logd_tls_test.sh, which needs certificates from the openssl CLI).
#include <doctest/doctest.h>

#include "http/server.h"
#include "logcli/websocket_client.h"

using logcli::WebSocketClient;
using logcli::websocket_target;

TEST_CASE("logcli websocket: https and wss addresses tail over TLS") {
  auto t = websocket_target("https://logs.example:8443/prefix/", "/loki/api/v1/tail", "query=x");
  REQUIRE(t.ok());
  CHECK(t->tls);
  CHECK(t->host == "logs.example");
  CHECK(t->port == "8443");
  CHECK(t->target == "/prefix/loki/api/v1/tail?query=x");
  auto d = websocket_target("wss://logs.example", "/t", "");
  REQUIRE(d.ok());
  CHECK(d->tls);
  CHECK(d->port == "443");
  auto p = websocket_target("ws://127.0.0.1:3100", "/t", "");
  REQUIRE(p.ok());
  CHECK_FALSE(p->tls);
  CHECK(p->port == "3100");
  CHECK_FALSE(websocket_target("ftp://x", "/t", "").ok());
}

TEST_CASE("logcli websocket: headers, messages, the server's close reason, refusals") {
  http::Server server(http::ServerOptions{});
  server.websocket("/tail", [](const http::Request& r, http::WebSocket& ws) {
    ws.send_text("org=" + std::string(r.headers.get_or("X-Scope-OrgID", "")) + " auth=" +
                 std::string(r.headers.get_or("Authorization", "")));
    ws.send_text(std::string(200'000, 'x'));  // larger than one frame buffer
    ws.close(1000, "tail ended");
  });
  REQUIRE(server.start().ok());
  std::string addr = "http://127.0.0.1:" + std::to_string(server.port());
  logcli::ClientOptions opts;

  auto target = websocket_target(addr, "/tail", "query=%7B%7D");
  REQUIRE(target.ok());
  WebSocketClient ws;
  auto st = ws.connect(*target, {"X-Scope-OrgID: tenant-a", "Authorization: Bearer abc"}, opts);
  REQUIRE_MESSAGE(st.ok(), st.error());
  bool closed = false;
  auto m = ws.read_message(closed);
  REQUIRE_MESSAGE(m.ok(), m.error());
  CHECK_FALSE(closed);
  CHECK(*m == "org=tenant-a auth=Bearer abc");
  m = ws.read_message(closed);
  REQUIRE(m.ok());
  CHECK(m->size() == 200'000);
  m = ws.read_message(closed);
  REQUIRE(m.ok());
  CHECK(closed);
  CHECK(ws.close_reason() == "tail ended");
  ws.close();  // after the server's close: nothing left to do

  // A refused upgrade carries the server's body and status.
  WebSocketClient refused;
  auto missing = websocket_target(addr, "/nowhere", "");
  REQUIRE(missing.ok());
  st = refused.connect(*missing, {}, opts);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error() == "Error response from server: 404 page not found (404 Not Found)");
  server.stop();

  WebSocketClient nobody;
  st = nobody.connect(*target, {}, opts);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().find("cannot connect to 127.0.0.1:") == 0);
}
