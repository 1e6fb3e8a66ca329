// logcli's connection settings and its HTTP GET over lib/httpclient: basic auth or a bearer token
// (from a flag or a file, as Loki's logcli allows exactly one of them), X-Scope-OrgID, TLS
// (CA, client certificate and key, skip-verify). The server's error body is returned as the
// error so the caller can print it.
//
// Thread-safety: one HttpClient per thread (its connection is not shared).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "httpclient/http_request.h"
#include "util/result.h"

namespace logcli {

struct ClientOptions {
  std::string addr = "http://localhost:3100";
  std::string org_id;
  std::string username, password;
  std::string bearer_token, bearer_token_file;
  std::string ca_cert, cert, key;
  bool tls_skip_verify = false;
  bool quiet = false;  // when false, each request's URL is printed on stderr, as Loki's logcli does
};

// The request headers for `opts` (Authorization, X-Scope-OrgID, User-Agent), or the error Loki's
// logcli gives for conflicting credentials or an unreadable token file.
util::Result<std::vector<std::string>> request_headers(const ClientOptions& opts);

class HttpClient {
 public:
  explicit HttpClient(ClientOptions opts);

  const ClientOptions& options() const { return opts_; }

  // GET addr+path?query. A non-2xx answer is an error "Error response from server: <body> (<status>)".
  // `extra_headers`: "Name: value" lines sent besides the connection's own.
  util::Result<std::string> get(const std::string& path, const std::string& query,
                                const std::vector<std::string>& extra_headers = {}) {
    return send("GET", path, query, extra_headers);
  }
  // Any method (the delete API's POST and DELETE), no body; errors as get().
  util::Result<std::string> send(const std::string& method, const std::string& path, const std::string& query,
                                 const std::vector<std::string>& extra_headers = {});

 private:
  ClientOptions opts_;
  httpclient::Connection connection_;  // kept alive between the pages of a query
};

}  // namespace logcli
