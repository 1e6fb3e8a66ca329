#include <doctest/doctest.h>

#include "http/server.h"
#include "http/tls_options.h"

TEST_CASE("http tls: Go's client auth names and TLS versions") {
  CHECK(*http::parse_client_auth("") == http::ClientAuth::kNoClientCert);
  CHECK(*http::parse_client_auth("RequestClientCert") == http::ClientAuth::kRequestClientCert);
  CHECK(*http::parse_client_auth("RequireClientCert") == http::ClientAuth::kRequireAnyClientCert);
  CHECK(*http::parse_client_auth("RequireAndVerifyClientCert") == http::ClientAuth::kRequireAndVerifyClientCert);
  CHECK_FALSE(http::parse_client_auth("requireandverifyclientcert").ok());  // Go's names are case-sensitive
  for (auto a : {http::ClientAuth::kNoClientCert, http::ClientAuth::kRequestClientCert,
                 http::ClientAuth::kRequireAnyClientCert, http::ClientAuth::kVerifyClientCertIfGiven,
                 http::ClientAuth::kRequireAndVerifyClientCert}) {
    CHECK(*http::parse_client_auth(http::client_auth_name(a)) == a);
  }
  CHECK(*http::parse_tls_min_version("") == 0);
  CHECK(*http::parse_tls_min_version("VersionTLS13") == 0x0304);
  CHECK_FALSE(http::parse_tls_min_version("TLS13").ok());
}

TEST_CASE("http tls: a server whose certificate cannot be loaded does not start") {
  http::ServerOptions o;
  o.tls.cert_file = "/nonexistent/server.crt";
  o.tls.key_file = "/nonexistent/server.key";
  http::Server server(o);
  auto st = server.start();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().find("cannot load the TLS certificate /nonexistent/server.crt") == 0);
  CHECK(server.port() == 0);
}
