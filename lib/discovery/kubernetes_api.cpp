// Kubernetes API access over libcurl (see kubernetes_api.h).
#include "discovery/kubernetes_api.h"

#include <curl/curl.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <memory>

#include "fsutil/atomic_file.h"

namespace discovery {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// RFC 4648 base64 (kubeconfig's *-data fields); whitespace is skipped.
util::Result<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    int v = value(c);
    if (v < 0) return util::Error{"invalid base64"};
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// The `name`d entry of a kubeconfig list (clusters, users, contexts), its inner mapping.
YAML::Node named(const YAML::Node& list, const std::string& name, const char* inner) {
  if (!list.IsSequence()) return YAML::Node();
  for (const auto& item : list) {
    if (item["name"] && item["name"].as<std::string>() == name) return item[inner];
  }
  return YAML::Node();
}

std::string scalar(const YAML::Node& node, const char* key) {
  if (!node.IsMap() || !node[key] || !node[key].IsScalar()) return "";
  return node[key].as<std::string>();
}

std::string resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return dir + "/" + path;
}

struct CurlRequest {
  const std::atomic<bool>* cancel;
  const std::function<bool(std::string_view)>* on_line = nullptr;  // null: collect the body
  std::string buffer;
  bool stopped_by_consumer = false;
  long status = 0;
  CURL* curl = nullptr;
};

size_t on_data(char* data, size_t size, size_t n, void* user) {
  auto* req = static_cast<CurlRequest*>(user);
  const size_t len = size * n;
  req->buffer.append(data, len);
  if (req->on_line == nullptr) return len;
  if (req->status == 0) curl_easy_getinfo(req->curl, CURLINFO_RESPONSE_CODE, &req->status);
  if (req->status != 200) return len;  // an error body: keep it for the reply
  size_t start = 0;
  for (size_t nl; (nl = req->buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view line(req->buffer.data() + start, nl - start);
    if (!line.empty() && !(*req->on_line)(line)) {
      req->stopped_by_consumer = true;
      return 0;  // aborts the transfer
    }
  }
  req->buffer.erase(0, start);
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<CurlRequest*>(user)->cancel->load() ? 1 : 0;
}

void set_blob(CURL* curl, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, option, &blob);
}

util::Result<HttpReply> perform(const KubernetesConnection& conn, const std::string& path, bool streaming,
                                const std::atomic<bool>& cancel, const std::function<bool(std::string_view)>* on_line) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return util::Error{"curl_easy_init failed"};
  CURL* c = curl.get();
  std::string url = conn.server;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  char errbuf[CURL_ERROR_SIZE] = {};
  CurlRequest req{&cancel, on_line, {}, false, 0, c};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &req);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &req);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
  // A list must finish; a watch is bounded by the timeoutSeconds it asks the server for.
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, streaming ? 0L : 60'000L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "logtail/0.1 (kubernetes-sd)");
  if (!conn.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, conn.ca_file.c_str());
  if (!conn.ca_pem.empty()) set_blob(c, CURLOPT_CAINFO_BLOB, conn.ca_pem);
  if (!conn.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, conn.cert_file.c_str());
  if (!conn.cert_pem.empty()) set_blob(c, CURLOPT_SSLCERT_BLOB, conn.cert_pem);
  if (!conn.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, conn.key_file.c_str());
  if (!conn.key_pem.empty()) set_blob(c, CURLOPT_SSLKEY_BLOB, conn.key_pem);
  if (conn.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  std::string token = conn.bearer_token;
  if (!conn.bearer_token_file.empty()) {
    auto t = fsutil::read_file(conn.bearer_token_file);
    if (!t.ok()) return util::prefixed("reading bearer token: ", t.status_error());
    token = trim(*t);
  }
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  std::string auth = "Authorization: Bearer " + token;
  if (!token.empty()) headers = curl_slist_append(headers, auth.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  std::string userpwd = conn.username + ":" + conn.password;
  if (token.empty() && !conn.username.empty()) curl_easy_setopt(c, CURLOPT_USERPWD, userpwd.c_str());
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  HttpReply reply;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  if (rc != CURLE_OK && !req.stopped_by_consumer) {
    if (cancel.load()) return util::Error{"cancelled"};
    return util::Error{"GET " + url + ": " + (errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc))};
  }
  if (on_line && reply.status == 200 && !req.stopped_by_consumer && !req.buffer.empty()) {
    (*on_line)(req.buffer);  // a last event without its newline
    req.buffer.clear();
  }
  reply.body = std::move(req.buffer);
  return reply;
}

}  // namespace

util::Result<KubernetesConnection> in_cluster_connection(const std::string& sa_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host || !port || !*port) {
    return util::Error{"unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
                       "KUBERNETES_SERVICE_PORT must be defined (or set api_server or kubeconfig_file)"};
  }
  KubernetesConnection conn;
  std::string h = host;
  conn.server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
  conn.bearer_token_file = sa_dir + "/token";
  if (auto t = fsutil::read_file(conn.bearer_token_file); !t.ok()) {
    return util::prefixed("in-cluster configuration: ", t.status_error());
  }
  conn.ca_file = sa_dir + "/ca.crt";
  if (auto ns = fsutil::read_file(sa_dir + "/namespace"); ns.ok()) conn.default_namespace = trim(*ns);
  return conn;
}

util::Result<KubernetesConnection> kubeconfig_connection(const std::string& path) {
  auto text = fsutil::read_file(path);
  if (!text.ok()) return util::prefixed("kubeconfig: ", text.status_error());
  const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  KubernetesConnection conn;
  try {
    YAML::Node doc = YAML::Load(*text);
    std::string context_name = scalar(doc, "current-context");
    if (context_name.empty()) return util::Error{"kubeconfig " + path + ": no current-context"};
    YAML::Node context = named(doc["contexts"], context_name, "context");
    if (!context.IsMap()) return util::Error{"kubeconfig " + path + ": context \"" + context_name + "\" not found"};
    conn.default_namespace = scalar(context, "namespace");
    if (conn.default_namespace.empty()) conn.default_namespace = "default";
    std::string cluster_name = scalar(context, "cluster"), user_name = scalar(context, "user");
    YAML::Node cluster = named(doc["clusters"], cluster_name, "cluster");
    if (!cluster.IsMap()) return util::Error{"kubeconfig " + path + ": cluster \"" + cluster_name + "\" not found"};
    conn.server = scalar(cluster, "server");
    if (conn.server.empty()) return util::Error{"kubeconfig " + path + ": cluster \"" + cluster_name + "\" has no server"};
    conn.ca_file = resolve(dir, scalar(cluster, "certificate-authority"));
    conn.insecure_skip_verify = scalar(cluster, "insecure-skip-tls-verify") == "true";
    YAML::Node user = named(doc["users"], user_name, "user");
    if (user.IsMap()) {
      if (user["exec"] || user["auth-provider"]) {
        return util::Error{"kubeconfig " + path + ": user \"" + user_name +
                           "\": exec and auth-provider credential plugins are not supported (use a token or client certificate)"};
      }
      conn.bearer_token = scalar(user, "token");
      conn.bearer_token_file = resolve(dir, scalar(user, "tokenFile"));
      conn.cert_file = resolve(dir, scalar(user, "client-certificate"));
      conn.key_file = resolve(dir, scalar(user, "client-key"));
      conn.username = scalar(user, "username");
      conn.password = scalar(user, "password");
    }
    struct DataField {
      YAML::Node node;
      const char* key;
      std::string* out;
    };
    for (const DataField& f : {DataField{cluster, "certificate-authority-data", &conn.ca_pem},
                               DataField{user, "client-certificate-data", &conn.cert_pem},
                               DataField{user, "client-key-data", &conn.key_pem}}) {
      std::string encoded = scalar(f.node, f.key);
      if (encoded.empty()) continue;
      auto decoded = base64_decode(encoded);
      if (!decoded.ok()) return util::prefixed("kubeconfig " + path + ": " + f.key + ": ", decoded.status_error());
      *f.out = std::move(*decoded);
    }
  } catch (const YAML::Exception& e) {
    return util::Error{"kubeconfig " + path + ": " + e.what()};
  }
  return conn;
}

util::Result<HttpReply> KubernetesApi::get(const std::string& path_and_query, const std::atomic<bool>& cancel) const {
  return perform(conn_, path_and_query, false, cancel, nullptr);
}

util::Result<HttpReply> KubernetesApi::watch(const std::string& path_and_query, const std::atomic<bool>& cancel,
                                             const std::function<bool(std::string_view line)>& on_line) const {
  return perform(conn_, path_and_query, true, cancel, &on_line);
}

std::string url_query_escape(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace discovery
