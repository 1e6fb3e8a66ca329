#include "logcli/http_client.h"

#include <curl/curl.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "logcli/url_params.h"

namespace logcli {

namespace {

// Curl's global state is set up once per process, before any handle exists.
void global_init() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

size_t append_body(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  // A hostile server could send without end; 1 GiB is far above any sane answer.
  if (body->size() + size * n > (size_t{1} << 30)) return 0;
  body->append(data, size * n);
  return size * n;
}

std::string base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string trim(std::string s) {
  auto sp = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && sp(s.back())) s.pop_back();
  size_t b = 0;
  while (b < s.size() && sp(s[b])) ++b;
  return s.substr(b);
}

}  // namespace

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
  if (basic) headers.push_back("Authorization: Basic " + base64(opts.username + ":" + opts.password));
  if (!opts.bearer_token.empty()) headers.push_back("Authorization: Bearer " + opts.bearer_token);
  if (!opts.bearer_token_file.empty()) {
    std::ifstream f(opts.bearer_token_file);
    if (!f) return util::Error{"unable to read authorization credentials file " + opts.bearer_token_file};
    std::stringstream ss;
    ss << f.rdbuf();
    headers.push_back("Authorization: Bearer " + trim(ss.str()));
  }
  return headers;
}

HttpClient::HttpClient(ClientOptions opts) : opts_(std::move(opts)) {
  global_init();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

util::Result<std::string> HttpClient::get(const std::string& path, const std::string& query) {
  auto headers = request_headers(opts_);
  if (!headers) return headers.status_error();
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) return util::Error{"cannot initialise libcurl"};
  std::string url = build_url(opts_.addr, path, query);
  if (!opts_.quiet) std::fprintf(stderr, "%s\n", url.c_str());

  curl_easy_reset(c);
  std::string body;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* list = nullptr;
  for (const auto& h : *headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // gzip answers are welcome
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  if (!opts_.ca_cert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, opts_.ca_cert.c_str());
  if (!opts_.cert.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, opts_.cert.c_str());
  if (!opts_.key.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, opts_.key.c_str());
  if (opts_.tls_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    std::string msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    return util::Error{"error sending request: " + msg};
  }
  if (status / 100 != 2)
    return util::Error{"Error response from server: " + trim(body) + " (" + std::to_string(status) + ")"};
  return body;
}

}  // namespace logcli
