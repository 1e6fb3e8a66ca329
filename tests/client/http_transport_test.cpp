#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "client/http_transport.h"

namespace {

client::ClientConfig config_for(std::string url) {
  client::ClientConfig c;
  c.url = std::move(url);
  return c;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  for (const auto& l : lines) if (l == line) return true;
  return false;
}

}  // namespace

TEST_CASE("client transport: URL, host label, timeout and proxy") {
  auto s = client::transport_settings(config_for("http://localhost:3100/loki/api/v1/push"));
  REQUIRE(s.ok());
  CHECK(s->url == "http://localhost:3100/loki/api/v1/push");
  CHECK(s->host == "localhost:3100");
  CHECK(s->timeout_ms == 10'000);
  CHECK(s->connect_to.empty());
  CHECK(client::transport_settings(config_for("https://logs.example.com/loki/api/v1/push"))->host == "logs.example.com");
  CHECK(client::transport_settings(config_for("http://user:pw@[::1]:3100/x"))->host == "[::1]:3100");

  auto bad = client::transport_settings(config_for("localhost:3100/loki/api/v1/push"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("missing scheme") != std::string::npos);
  CHECK_FALSE(client::transport_settings(config_for("ftp://x/y")).ok());
  CHECK_FALSE(client::transport_settings(config_for("http:///y")).ok());

  auto c = config_for("http://loki:3100/p");
  c.proxy_url = "http://proxy:8080";
  c.timeout = 3 * model::kNanosPerSecond;
  auto p = client::transport_settings(c);
  CHECK(p->proxy_url == "http://proxy:8080");
  CHECK(p->timeout_ms == 3000);
}

TEST_CASE("client transport: tls_config options map onto curl's") {
  auto c = config_for("https://10.0.0.5:3100/loki/api/v1/push");
  c.tls_config.ca_file = "/etc/ca.pem";
  c.tls_config.cert_file = "/etc/client.pem";
  c.tls_config.key_file = "/etc/client.key";
  c.tls_config.server_name = "loki.internal";
  c.tls_config.min_version = "TLS12";
  auto s = client::transport_settings(c);
  REQUIRE(s.ok());
  CHECK(s->ca_file == "/etc/ca.pem");
  CHECK(s->cert_file == "/etc/client.pem");
  CHECK(s->key_file == "/etc/client.key");
  CHECK(s->verify_peer);
  CHECK(s->tls_min_version == 12);
  // SNI and verification use server_name; the connection still goes to the URL's host.
  CHECK(s->url == "https://loki.internal:3100/loki/api/v1/push");
  CHECK(s->connect_to == "loki.internal:3100:10.0.0.5:3100");
  CHECK(s->host_header == "10.0.0.5:3100");
  CHECK(s->host == "10.0.0.5:3100");
  auto headers = client::request_headers(*s, "");
  CHECK(has_line(*headers, "Host: 10.0.0.5:3100"));

  c.tls_config.server_name.clear();
  c.tls_config.insecure_skip_verify = true;
  s = client::transport_settings(c);
  CHECK_FALSE(s->verify_peer);
  CHECK(s->connect_to.empty());
  CHECK(s->url == c.url);

  c.tls_config.min_version = "TLS99";
  auto bad = client::transport_settings(c);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("TLS99") != std::string::npos);
}

TEST_CASE("client transport: headers for tenant, custom headers and auth") {
  auto c = config_for("http://loki:3100/p");
  c.headers = {{"X-Custom", "yes"}, {"content-type", "text/plain"}};
  c.basic_auth.username = "Aladdin";
  c.basic_auth.password = "open sesame";
  auto s = client::transport_settings(c);
  auto h = client::request_headers(*s, "team-a");
  REQUIRE(h.ok());
  CHECK(has_line(*h, "Content-Type: application/x-protobuf"));
  CHECK(has_line(*h, "X-Scope-OrgID: team-a"));
  CHECK(has_line(*h, "X-Custom: yes"));
  CHECK_FALSE(has_line(*h, "content-type: text/plain"));  // Promtail never overrides its own headers
  CHECK(has_line(*h, "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
  CHECK_FALSE(has_line(*client::request_headers(*s, ""), "X-Scope-OrgID: "));

  // A custom Authorization header wins over configured auth, as in Prometheus' round trippers.
  c.headers = {{"Authorization", "Custom abc"}};
  h = client::request_headers(*client::transport_settings(c), "");
  CHECK(has_line(*h, "Authorization: Custom abc"));
  CHECK_FALSE(has_line(*h, "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
}

TEST_CASE("client transport: bearer_token_file and password_file are re-read for every request") {
  std::string path = "/tmp/client_transport_test_token." + std::to_string(::getpid());
  std::ofstream(path) << "first-token\n";
  auto c = config_for("http://loki:3100/p");
  c.bearer_token_file = path;
  auto s = client::transport_settings(c);
  CHECK(has_line(*client::request_headers(*s, ""), "Authorization: Bearer first-token"));
  std::ofstream(path) << "  second-token \n";
  CHECK(has_line(*client::request_headers(*s, ""), "Authorization: Bearer second-token"));
  std::remove(path.c_str());
  auto missing = client::request_headers(*s, "");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find(path) != std::string::npos);

  c = config_for("http://loki:3100/p");
  c.bearer_token = "static";
  CHECK(has_line(*client::request_headers(*client::transport_settings(c), ""), "Authorization: Bearer static"));

  c = config_for("http://loki:3100/p");
  c.basic_auth.username = "Aladdin";
  c.basic_auth.password_file = path;
  std::ofstream(path) << "open sesame\n";
  CHECK(has_line(*client::request_headers(*client::transport_settings(c), ""),
                 "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
  std::remove(path.c_str());
}
