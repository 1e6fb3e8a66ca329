#include <doctest/doctest.h>

#include "logcli/url_params.h"
#include "logcli/websocket_client.h"

using namespace logcli;

TEST_CASE("logcli url: Go's QueryEscape and PathEscape") {
  CHECK(query_escape("{app=\"a b\"} |~ \"x/y\"") == "%7Bapp%3D%22a+b%22%7D+%7C~+%22x%2Fy%22");
  CHECK(query_escape("A-z_0.9~") == "A-z_0.9~");
  CHECK(path_escape("a b/c") == "a%20b%2Fc");
  CHECK(label_values_path("job name") == "/loki/api/v1/label/job%20name/values");
}

TEST_CASE("logcli url: parameters sorted by key as url.Values.Encode does") {
  RangeRequest r;
  r.query = "{job=\"x\"}";
  r.limit = 30;
  r.start = 100;
  r.end = 200;
  CHECK(query_range_params(r) == "direction=BACKWARD&end=200&limit=30&query=%7Bjob%3D%22x%22%7D&start=100");
  r.forward = true;
  r.step = 1'500'000'000;
  r.interval = 60'000'000'000;
  CHECK(query_range_params(r) ==
        "direction=FORWARD&end=200&interval=60&limit=30&query=%7Bjob%3D%22x%22%7D&start=100&step=1.5");
  CHECK(instant_query_params("sum(x)", 5, 42, false) == "direction=BACKWARD&limit=5&query=sum%28x%29&time=42");
  CHECK(series_params({"{a=\"1\"}", "{b=\"2\"}"}, 1, 2) == "end=2&match=%7Ba%3D%221%22%7D&match=%7Bb%3D%222%22%7D&start=1");
  CHECK(time_range_params(1, 2) == "end=2&start=1");
  CHECK(index_stats_params("{a=\"1\"}", 1, 2) == "end=2&query=%7Ba%3D%221%22%7D&start=1");
  // delay_for only when set, as Loki's logcli sends it.
  CHECK(tail_params("{a=\"1\"}", 0, 30, 7) == "limit=30&query=%7Ba%3D%221%22%7D&start=7");
  CHECK(tail_params("{a=\"1\"}", 2, 30, 7) == "delay_for=2&limit=30&query=%7Ba%3D%221%22%7D&start=7");
}

TEST_CASE("logcli url: seconds formatting and address joining") {
  CHECK(format_seconds(15'000'000'000) == "15");
  CHECK(format_seconds(250'000'000) == "0.25");
  CHECK(format_seconds(1) == "0.000000001");
  CHECK(build_url("http://h:3100/", "/loki/api/v1/labels", "start=1") == "http://h:3100/loki/api/v1/labels?start=1");
  CHECK(build_url("http://h/prefix", "/loki/api/v1/labels", "") == "http://h/prefix/loki/api/v1/labels");
}

TEST_CASE("logcli url: WebSocket targets from the address") {
  auto t = websocket_target("http://127.0.0.1:3100", "/loki/api/v1/tail", "query=x");
  REQUIRE(t.ok());
  CHECK(t->host == "127.0.0.1");
  CHECK(t->port == "3100");
  CHECK(t->target == "/loki/api/v1/tail?query=x");
  auto p = websocket_target("http://logs.example/loki/", "/loki/api/v1/tail", "");
  REQUIRE(p.ok());
  CHECK(p->port == "80");
  CHECK(p->target == "/loki/loki/api/v1/tail");
  auto v6 = websocket_target("http://[::1]:9000", "/t", "");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == "9000");
  auto tls = websocket_target("https://x", "/t", "");  // wss://
  REQUIRE(tls.ok());
  CHECK(tls->port == "443");
  CHECK(tls->tls);
  CHECK_FALSE(websocket_target("localhost:3100", "/t", "").ok());
}
