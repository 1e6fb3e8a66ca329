// The HTTP side of the client: what a promtail.yaml `clients` entry says about the connection
// (URL, timeout, proxy, tls_config, auth, headers) mapped onto an httpclient::Request sent over
// one kept-alive httpclient::Connection.
//
// transport_settings() and request_headers() are the mapping, pure and unit-testable; the
// HttpTransport applies them. Like Prometheus' HTTP client config, credentials files
// (bearer_token_file, basic_auth.password_file) are re-read for every request, so a rotated
// token is picked up without a restart; a header set in `headers` wins over the one the client
// would set itself (Content-Type, User-Agent, X-Scope-OrgID are set first and not overridden, as
// in Promtail; Authorization from `headers` suppresses basic/bearer auth, as in Prometheus).
//
// Thread-safety: an HttpTransport is used by one thread at a time (one connection, kept alive
// between requests).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/transport.h"
#include "httpclient/http_request.h"
#include "client/config.h"
#include "util/result.h"

namespace client {

inline constexpr const char* kUserAgent = "logtail/0.1 (promtail-compatible)";

struct TransportSettings {
  std::string url;          // what is requested (host replaced by tls server_name when set)
  std::string host;         // the configured URL's host[:port], Promtail's `host` metric label
  std::string connect_to;   // "name:port:host:port" (libcurl CONNECT_TO) when server_name is set
  std::string host_header;  // the Host header to keep when the URL was rewritten
  std::string ca_file, cert_file, key_file;
  bool verify_peer = true;  // false with insecure_skip_verify
  int tls_min_version = 0;  // 0 library default; 10..13 for TLS1.0..TLS1.3
  std::string proxy_url;
  int64_t timeout_ms = 10'000;
  std::vector<std::pair<std::string, std::string>> custom_headers;
  std::string bearer_token, bearer_token_file;
  std::string basic_username, basic_password, basic_password_file;
};

// Errors: a URL that is not http(s)://host..., an unknown tls min_version.
util::Result<TransportSettings> transport_settings(const ClientConfig& config);

// The header lines ("Name: value") for one request to `tenant`. Errors: an unreadable
// credentials file (the request then fails like a connection error and is retried).
util::Result<std::vector<std::string>> request_headers(const TransportSettings& settings, const std::string& tenant);

class HttpTransport : public Transport {
 public:
  explicit HttpTransport(TransportSettings settings) : settings_(std::move(settings)) {}
  PostResult post(std::string_view body, const std::string& tenant, const std::atomic<bool>& cancel) override;

 private:
  TransportSettings settings_;
  httpclient::Connection connection_;
};

}  // namespace client
