#include "httpclient/http_request.h"

#include "httpclient/curl_library.h"

#include <algorithm>
#include <cctype>

namespace httpclient {
namespace {

struct Transfer {
  const Request* request;
  Response* response;
  CURL* curl;
  bool stopped_by_callback = false;
  bool body_started = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (!t->body_started) {
    t->body_started = true;
    long code = 0;
    curl_library().easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
    t->response->status = static_cast<int>(code);
    if (t->request->on_response && !t->request->on_response(*t->response)) {
      t->stopped_by_callback = true;
      return 0;
    }
  }
  if (t->request->on_data) {
    if (!t->request->on_data(std::string_view(data, len))) {
      t->stopped_by_callback = true;
      return 0;  // libcurl aborts the transfer (CURLE_WRITE_ERROR)
    }
    return len;
  }
  std::string& body = t->response->body;
  size_t room = t->request->max_body_bytes - std::min(body.size(), t->request->max_body_bytes);
  if (len > room) t->response->body_truncated = true;
  body.append(data, std::min(len, room));
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after a redirect or 100 Continue)
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  t->response->headers.emplace_back(std::move(name), std::string(value));
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->request->cancel && t->request->cancel->load(std::memory_order_relaxed) ? 1 : 0;
}

void set_blob(CURL* c, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_library().easy_setopt(c, option, &blob);
}

void set_tls(CURL* c, const TlsClientOptions& tls) {
  const CurlLibrary& lib = curl_library();
  if (!tls.ca_file.empty()) lib.easy_setopt(c, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.ca_pem.empty()) set_blob(c, CURLOPT_CAINFO_BLOB, tls.ca_pem);
  if (!tls.cert_file.empty()) lib.easy_setopt(c, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.cert_pem.empty()) set_blob(c, CURLOPT_SSLCERT_BLOB, tls.cert_pem);
  if (!tls.key_file.empty()) lib.easy_setopt(c, CURLOPT_SSLKEY, tls.key_file.c_str());
  if (!tls.key_pem.empty()) set_blob(c, CURLOPT_SSLKEY_BLOB, tls.key_pem);
  if (tls.insecure_skip_verify) {
    lib.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    lib.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (tls.min_version != 0) {
    long v = tls.min_version <= 10   ? CURL_SSLVERSION_TLSv1_0
             : tls.min_version == 11 ? CURL_SSLVERSION_TLSv1_1
             : tls.min_version == 12 ? CURL_SSLVERSION_TLSv1_2
                                     : CURL_SSLVERSION_TLSv1_3;
    lib.easy_setopt(c, CURLOPT_SSLVERSION, v);
  }
}

}  // namespace

std::string_view Response::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

Connection::Connection() {
  const CurlLibrary& lib = curl_library();
  if (lib.loaded()) curl_ = lib.easy_init();
}

Connection::~Connection() {
  if (curl_) curl_library().easy_cleanup(static_cast<CURL*>(curl_));
}

Response Connection::perform(const Request& request) {
  Response response;
  CURL* c = static_cast<CURL*>(curl_);
  const CurlLibrary& lib = curl_library();
  if (!c) {
    response.error = lib.loaded() ? "curl_easy_init failed" : lib.error;
    return response;
  }
  Transfer transfer{&request, &response, c};
  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = lib.slist_append(headers, h.c_str());
  curl_slist* connect_to = nullptr;
  if (!request.connect_to.empty()) connect_to = lib.slist_append(nullptr, request.connect_to.c_str());
  char errbuf[CURL_ERROR_SIZE] = {0};

  lib.easy_reset(c);  // keeps the connection cache: keep-alive survives
  lib.easy_setopt(c, CURLOPT_URL, request.url.c_str());
  lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  lib.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  if (request.method == "HEAD") {
    lib.easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
    lib.easy_setopt(c, CURLOPT_POST, 1L);
    lib.easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    lib.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST") lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  lib.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (connect_to) lib.easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
  if (!request.unix_socket_path.empty()) {
    lib.easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket_path.c_str());
  }
  lib.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
  lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout_ms));
  if (request.low_speed_timeout_ms > 0) {
    lib.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    lib.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(request.low_speed_timeout_ms / 1000)));
  }
  lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  lib.easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  lib.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  lib.easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  lib.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  lib.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  lib.easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
  if (request.accept_encoding) lib.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (!request.user_agent.empty()) lib.easy_setopt(c, CURLOPT_USERAGENT, request.user_agent.c_str());
  if (!request.userpwd.empty()) lib.easy_setopt(c, CURLOPT_USERPWD, request.userpwd.c_str());
  if (!request.proxy.empty() || !request.use_environment_proxy) {
    lib.easy_setopt(c, CURLOPT_PROXY, request.proxy.c_str());  // "" turns the environment's off
  }
  set_tls(c, request.tls);

  CURLcode rc = lib.easy_perform(c);
  lib.slist_free_all(headers);
  lib.slist_free_all(connect_to);
  long code = 0;
  lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  response.status = static_cast<int>(code);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && transfer.stopped_by_callback)) {
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    response.cancelled = rc == CURLE_ABORTED_BY_CALLBACK;
    response.error = errbuf[0] ? errbuf : lib.easy_strerror(rc);
  }
  return response;
}

ConnectionPool::Lease::~Lease() {
  if (!c_) return;
  std::lock_guard lock(pool_->mu_);
  if (pool_->idle_.size() < pool_->max_idle_) pool_->idle_.push_back(std::move(c_));
}

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(c));
    }
  }
  return Lease(this, std::make_unique<Connection>());
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace httpclient
