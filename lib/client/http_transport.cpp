#include "client/http_transport.h"

#include "fsutil/atomic_file.h"
#include "http/message.h"
#include "util/base64.h"
#include "util/strings.h"

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
  auto text = fsutil::read_file(path);
  if (!text.ok()) return util::Error{std::string("unable to read ") + what + " file " + path};
  // Prometheus trims surrounding whitespace (a trailing newline is the usual case).
  return std::string(util::trim(*text));
}

bool has_header(const std::vector<std::string>& lines, std::string_view name) {
  for (const auto& line : lines) {
    size_t colon = line.find(':');
    if (colon != std::string::npos && util::iequals(std::string_view(line).substr(0, colon), name)) return true;
  }
  return false;
}

}  // namespace

util::Result<TransportSettings> transport_settings(const ClientConfig& config) {
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
      lines.push_back("Authorization: Basic " + util::base64_encode(s.basic_username + ":" + password));
    }
  }
  lines.push_back("Expect:");  // no 100-continue round trip before each body
  return lines;
}

PostResult HttpTransport::post(std::string_view body, const std::string& tenant, const std::atomic<bool>& cancel) {
  PostResult result;
  auto headers = request_headers(settings_, tenant);
  if (!headers.ok()) {
    result.error = headers.error();
    return result;
  }
  httpclient::Request req;
  req.method = "POST";
  req.url = settings_.url;
  req.headers = std::move(*headers);
  req.body = body;
  req.timeout_ms = settings_.timeout_ms;
  req.connect_timeout_ms = 0;  // libcurl's default: `timeout` bounds the whole request
  req.connect_to = settings_.connect_to;
  req.tls.ca_file = settings_.ca_file;
  req.tls.cert_file = settings_.cert_file;
  req.tls.key_file = settings_.key_file;
  req.tls.insecure_skip_verify = !settings_.verify_peer;
  req.tls.min_version = settings_.tls_min_version;
  // An empty proxy_url disables proxies, environment variables included, as Promtail does
  // unless a proxy is configured.
  req.proxy = settings_.proxy_url;
  req.cancel = &cancel;
  req.max_body_bytes = 1024;  // Promtail reads at most this much of an error body
  httpclient::Response r = connection_.perform(req);
  if (!r.transport_ok()) {
    result.status = -1;
    result.error = std::move(r.error);
    return result;
  }
  result.status = r.status;
  if (!result.ok()) {
    std::string first_line = r.body.substr(0, r.body.find('\n'));
    std::string reason(http::reason_phrase(result.status));
    result.error = "server returned HTTP status " + std::to_string(r.status) + " " + reason + " (" +
                   std::to_string(r.status) + "): " + first_line;
  }
  return result;
}

}  // namespace client
