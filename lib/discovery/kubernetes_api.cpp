// Kubernetes API access over lib/httpclient (see kubernetes_api.h).
#include "discovery/kubernetes_api.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <memory>

#include "fsutil/atomic_file.h"
#include "util/base64.h"
#include "util/strings.h"

namespace discovery {
namespace {

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

util::Result<HttpReply> perform(httpclient::ConnectionPool& pool, const KubernetesConnection& conn,
                                const std::string& path, bool streaming, const std::atomic<bool>& cancel,
                                const std::function<bool(std::string_view)>* on_line) {
  std::string url = conn.server;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  std::string token = conn.bearer_token;
  if (!conn.bearer_token_file.empty()) {
    auto t = fsutil::read_file(conn.bearer_token_file);
    if (!t.ok()) return util::prefixed("reading bearer token: ", t.status_error());
    token = std::string(util::trim(*t));
  }
  httpclient::Request req;
  req.url = url;
  req.headers.push_back("Accept: application/json");
  if (!token.empty()) {
    req.headers.push_back("Authorization: Bearer " + token);
  } else if (!conn.username.empty()) {
    req.userpwd = conn.username + ":" + conn.password;
  }
  req.connect_timeout_ms = 10'000;
  // A list must finish; a watch is bounded by the timeoutSeconds it asks the server for.
  req.timeout_ms = streaming ? 0 : 60'000;
  req.accept_encoding = true;
  req.user_agent = "logtail/0.1 (kubernetes-sd)";
  req.use_environment_proxy = true;  // as client-go: HTTPS_PROXY/NO_PROXY apply
  req.tls = {.ca_file = conn.ca_file, .ca_pem = conn.ca_pem, .cert_file = conn.cert_file,
             .cert_pem = conn.cert_pem, .key_file = conn.key_file, .key_pem = conn.key_pem,
             .insecure_skip_verify = conn.insecure_skip_verify};
  req.cancel = &cancel;
  int status = 0;
  std::string buffer;  // a partial event line, or a whole error body
  bool stopped_by_consumer = false;
  if (on_line) {
    req.on_response = [&](const httpclient::Response& head) {
      status = head.status;
      return true;
    };
    req.on_data = [&](std::string_view piece) {
      buffer.append(piece);
      if (status != 200) return true;  // an error body: keep it for the reply
      size_t start = 0;
      for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string_view line(buffer.data() + start, nl - start);
        if (!line.empty() && !(*on_line)(line)) {
          stopped_by_consumer = true;
          return false;  // ends the transfer
        }
      }
      buffer.erase(0, start);
      return true;
    };
  }
  httpclient::Response r = pool.perform(req);
  if (!r.transport_ok()) {
    if (r.cancelled || cancel.load()) return util::cancelled("cancelled");
    return util::unavailable("GET " + url + ": " + r.error);
  }
  HttpReply reply;
  reply.status = r.status;
  if (!on_line) {
    reply.body = std::move(r.body);
    return reply;
  }
  if (reply.status == 200 && !stopped_by_consumer && !buffer.empty()) {
    (*on_line)(buffer);  // a last event without its newline
    buffer.clear();
  }
  reply.body = std::move(buffer);
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
  if (auto ns = fsutil::read_file(sa_dir + "/namespace"); ns.ok()) conn.default_namespace = std::string(util::trim(*ns));
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
      auto decoded = util::base64_decode(encoded);
      if (!decoded) return util::Error{"kubeconfig " + path + ": " + f.key + ": invalid base64"};
      *f.out = std::move(*decoded);
    }
  } catch (const YAML::Exception& e) {
    return util::Error{"kubeconfig " + path + ": " + e.what()};
  }
  return conn;
}

util::Result<HttpReply> KubernetesApi::get(const std::string& path_and_query, const std::atomic<bool>& cancel) const {
  return perform(pool_, conn_, path_and_query, false, cancel, nullptr);
}

util::Result<HttpReply> KubernetesApi::watch(const std::string& path_and_query, const std::atomic<bool>& cancel,
                                             const std::function<bool(std::string_view line)>& on_line) const {
  return perform(pool_, conn_, path_and_query, true, cancel, &on_line);
}

}  // namespace discovery
