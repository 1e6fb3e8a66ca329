#include "logcli/http_client.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "logcli/url_params.h"
#include "util/base64.h"
#include "util/strings.h"

namespace logcli {

util::Result<std::vector<std::string>> request_headers(const ClientOptions& opts) {
  bool basic = !opts.username.empty() || !opts.password.empty();
  bool bearer = !opts.bearer_token.empty() || !opts.bearer_token_file.empty();
  if (basic && bearer)
    return util::Error{"at most one of HTTP basic auth (username/password), bearer-token & bearer-token-file is allowed"};
  if (!opts.bearer_token.empty() && !opts.bearer_token_file.empty())
    return util::Error{"at most one of the options bearer-token & bearer-token-file is allowed"};
  std::vector<std::string> headers;
  headers.push_back("User-Agent: logcli");
  if (!opts.org_id.empty()) headers.push_back("X-Scope-OrgID: " + opts.org_id);
  if (basic) headers.push_back("Authorization: Basic " + util::base64_encode(opts.username + ":" + opts.password));
  if (!opts.bearer_token.empty()) headers.push_back("Authorization: Bearer " + opts.bearer_token);
  if (!opts.bearer_token_file.empty()) {
    std::ifstream f(opts.bearer_token_file);
    if (!f) return util::Error{"unable to read authorization credentials file " + opts.bearer_token_file};
    std::stringstream ss;
    ss << f.rdbuf();
    headers.push_back("Authorization: Bearer " + std::string(util::trim(ss.str())));
  }
  return headers;
}

HttpClient::HttpClient(ClientOptions opts) : opts_(std::move(opts)) {}

util::Result<std::string> HttpClient::send(const std::string& method, const std::string& path,
                                           const std::string& query, const std::vector<std::string>& extra_headers) {
  auto headers = request_headers(opts_);
  if (!headers) return headers.status_error();
  headers->insert(headers->end(), extra_headers.begin(), extra_headers.end());
  std::string url = build_url(opts_.addr, path, query);
  if (!opts_.quiet) std::fprintf(stderr, "%s\n", url.c_str());

  httpclient::Request req;
  req.method = method;
  req.url = url;
  req.headers = std::move(*headers);
  req.accept_encoding = true;  // gzip answers are welcome
  req.connect_timeout_ms = 30'000;
  req.use_environment_proxy = true;  // as Loki's logcli: HTTP(S)_PROXY apply
  req.tls.ca_file = opts_.ca_cert;
  req.tls.cert_file = opts_.cert;
  req.tls.key_file = opts_.key;
  req.tls.insecure_skip_verify = opts_.tls_skip_verify;
  // A hostile server could send without end; 1 GiB is far above any sane answer.
  req.max_body_bytes = size_t{1} << 30;
  httpclient::Response r = connection_.perform(req);
  if (!r.transport_ok()) return util::unavailable("error sending request: " + r.error);
  if (r.body_truncated) return util::too_large("error sending request: the answer is larger than 1 GiB");
  if (r.status / 100 != 2) {
    return util::Error{"Error response from server: " + std::string(util::trim(r.body)) + " (" +
                       std::to_string(r.status) + ")"};
  }
  return std::move(r.body);
}

}  // namespace logcli
