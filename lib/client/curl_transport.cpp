#include "client/curl_transport.h"

#include <curl/curl.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "http/message.h"

namespace client {
namespace {

struct UrlParts {
  std::string scheme, authority_prefix, host, port, rest;  // prefix: "user:pass@" if any
};

util::Result<UrlParts> split_url(const std::string& url) {
  UrlParts p;
  size_t colon = url.find("://");
  if (colon == std::string::npos) return util::Error{"url \"" + url + "\": missing scheme (http:// or https://)"};
  p.scheme = url.substr(0, colon);
  for (char& c : p.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (p.scheme != "http" && p.scheme != "https") {
    return util::Error{"url \"" + url + "\": unsupported scheme \"" + p.scheme + "\""};
  }
  size_t start = colon + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  p.rest = end == std::string::npos ? "" : url.substr(end);
  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    p.authority_prefix = authority.substr(0, at + 1);
    authority = authority.substr(at + 1);
  }
  size_t port_colon = authority.rfind(':');
  if (port_colon != std::string::npos && authority.find(']', port_colon) == std::string::npos) {
    p.host = authority.substr(0, port_colon);
    p.port = authority.substr(port_colon + 1);
  } else {
    p.host = authority;
  }
  if (p.host.empty()) return util::Error{"url \"" + url + "\": missing host"};
  return p;
}

util::Result<std::string> read_trimmed(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return util::Error{std::string("unable to read ") + what + " file " + path};
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  // Prometheus trims surrounding whitespace (a trailing newline is the usual case).
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool has_header(const std::vector<std::string>& lines, std::string_view name) {
  for (const auto& line : lines) {
    size_t colon = line.find(':');
    if (colon != std::string::npos && http::iequals(std::string_view(line).substr(0, colon), name)) return true;
  }
  return false;
}

size_t collect_body(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t len = size * n;
  constexpr size_t kMaxErrorBytes = 1024;  // Promtail reads at most this much of an error body
  if (body->size() < kMaxErrorBytes) body->append(data, std::min(len, kMaxErrorBytes - body->size()));
  return len;
}

int check_cancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(user)->load(std::memory_order_relaxed) ? 1 : 0;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string base64_encode(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (size_t left = data.size() - i; left > 0) {
    uint32_t v = uint8_t(data[i]) << 16;
    if (left == 2) v |= uint8_t(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += left == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

util::Result<TransportSettings> transport_settings(const logtail::ClientConfig& config) {
  auto parts = split_url(config.url);
  if (!parts.ok()) return parts.status_error();
  TransportSettings s;
  s.url = config.url;
  s.host = parts->port.empty() ? parts->host : parts->host + ":" + parts->port;
  const auto& tls = config.tls_config;
  if (!tls.server_name.empty() && parts->scheme == "https" && tls.server_name != parts->host) {
    // Go's tls.Config.ServerName sets SNI and the name the certificate must match, while the
    // connection still goes to the URL's host. curl says the same with a rewritten URL, a
    // CONNECT_TO mapping back to the real host, and the original Host header.
    std::string port = parts->port.empty() ? "443" : parts->port;
    s.url = parts->scheme + "://" + parts->authority_prefix + tls.server_name + ":" + port + parts->rest;
    s.connect_to = tls.server_name + ":" + port + ":" + parts->host + ":" + port;
    s.host_header = s.host;
  }
  s.ca_file = tls.ca_file;
  s.cert_file = tls.cert_file;
  s.key_file = tls.key_file;
  s.verify_peer = !tls.insecure_skip_verify;
  if (!tls.min_version.empty()) {
    static const std::pair<const char*, int> kVersions[] = {{"TLS10", 10}, {"TLS11", 11}, {"TLS12", 12}, {"TLS13", 13}};
    for (const auto& [name, v] : kVersions) {
      if (tls.min_version == name) s.tls_min_version = v;
    }
    if (s.tls_min_version == 0) return util::Error{"tls_config.min_version: unknown TLS version \"" + tls.min_version + "\""};
  }
  s.proxy_url = config.proxy_url;
  s.timeout_ms = config.timeout / 1'000'000;
  for (const auto& [k, v] : config.headers) s.custom_headers.emplace_back(k, v);
  s.bearer_token = config.bearer_token;
  s.bearer_token_file = config.bearer_token_file;
  s.basic_username = config.basic_auth.username;
  s.basic_password = config.basic_auth.password;
  s.basic_password_file = config.basic_auth.password_file;
  return s;
}

util::Result<std::vector<std::string>> request_headers(const TransportSettings& s, const std::string& tenant) {
  std::vector<std::string> lines;
  lines.push_back("Content-Type: application/x-protobuf");
  lines.push_back(std::string("User-Agent: ") + kUserAgent);
  if (!tenant.empty()) lines.push_back("X-Scope-OrgID: " + tenant);
  if (!s.host_header.empty()) lines.push_back("Host: " + s.host_header);
  for (const auto& [name, value] : s.custom_headers) {
    if (!has_header(lines, name)) lines.push_back(name + ": " + value);  // Promtail skips, with a warning
  }
  if (!has_header(lines, "Authorization")) {
    if (!s.bearer_token.empty() || !s.bearer_token_file.empty()) {
      std::string token = s.bearer_token;
      if (!s.bearer_token_file.empty()) {
        auto t = read_trimmed(s.bearer_token_file, "authorization credentials");
        if (!t.ok()) return t.status_error();
        token = std::move(*t);
      }
      lines.push_back("Authorization: Bearer " + token);
    } else if (!s.basic_username.empty() || !s.basic_password.empty() || !s.basic_password_file.empty()) {
      std::string password = s.basic_password;
      if (!s.basic_password_file.empty()) {
        auto p = read_trimmed(s.basic_password_file, "basic auth password");
        if (!p.ok()) return p.status_error();
        password = std::move(*p);
      }
      lines.push_back("Authorization: Basic " + base64_encode(s.basic_username + ":" + password));
    }
  }
  lines.push_back("Expect:");  // no 100-continue round trip before each body
  return lines;
}

CurlTransport::CurlTransport(TransportSettings settings) : settings_(std::move(settings)) {
  global_init();
  curl_ = curl_easy_init();
}

CurlTransport::~CurlTransport() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

PostResult CurlTransport::post(std::string_view body, const std::string& tenant, const std::atomic<bool>& cancel) {
  PostResult result;
  CURL* curl = static_cast<CURL*>(curl_);
  if (!curl) {
    result.error = "curl_easy_init failed";
    return result;
  }
  auto headers = request_headers(settings_, tenant);
  if (!headers.ok()) {
    result.error = headers.error();
    return result;
  }
  curl_slist* list = nullptr;
  for (const auto& h : *headers) list = curl_slist_append(list, h.c_str());
  curl_slist* connect_to = nullptr;
  if (!settings_.connect_to.empty()) connect_to = curl_slist_append(nullptr, settings_.connect_to.c_str());

  std::string response;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_reset(curl);  // keeps the connection cache: keep-alive survives
  curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (connect_to) curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_cancel);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &cancel);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);  // Promtail disables HTTP/2 too
  if (!settings_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());
  if (!settings_.cert_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLCERT, settings_.cert_file.c_str());
  if (!settings_.key_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, settings_.key_file.c_str());
  if (!settings_.verify_peer) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (settings_.tls_min_version != 0) {
    long v = settings_.tls_min_version == 10   ? CURL_SSLVERSION_TLSv1_0
             : settings_.tls_min_version == 11 ? CURL_SSLVERSION_TLSv1_1
             : settings_.tls_min_version == 12 ? CURL_SSLVERSION_TLSv1_2
                                               : CURL_SSLVERSION_TLSv1_3;
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, v);
  }
  // An empty proxy_url disables proxies, environment variables included, as Promtail does
  // unless a proxy is configured.
  curl_easy_setopt(curl, CURLOPT_PROXY, settings_.proxy_url.c_str());

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  curl_slist_free_all(connect_to);
  if (rc != CURLE_OK) {
    result.status = -1;
    result.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    return result;
  }
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  result.status = static_cast<int>(code);
  if (!result.ok()) {
    std::string first_line = response.substr(0, response.find('\n'));
    std::string reason(http::reason_phrase(result.status));
    result.error = "server returned HTTP status " + std::to_string(code) + " " + reason + " (" +
                   std::to_string(code) + "): " + first_line;
  }
  return result;
}

}  // namespace client
