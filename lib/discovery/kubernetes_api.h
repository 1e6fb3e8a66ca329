// KubernetesApi: the small part of a Kubernetes API client that service discovery needs, over
// lib/httpclient: where the API server is and how to authenticate (in-cluster service account, a
// kubeconfig file, or an explicit api_server with token and TLS files), a LIST request, and a
// WATCH request whose newline-delimited JSON events are handed over as they arrive.
//
// Thread-safety: a KubernetesApi's connection settings are immutable after construction and
// get()/watch() may run concurrently (each request leases its own pooled connection).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "httpclient/http_request.h"
#include "util/result.h"

namespace discovery {

// How to reach and authenticate to the API server. `*_pem` hold PEM text (kubeconfig's
// *-data fields, decoded); the file fields are paths.
struct KubernetesConnection {
  std::string server;  // "https://10.0.0.1:443"
  std::string ca_file, ca_pem;
  std::string cert_file, cert_pem, key_file, key_pem;
  std::string bearer_token, bearer_token_file;  // the file is re-read per request (rotation)
  std::string username, password;               // kubeconfig basic auth
  bool insecure_skip_verify = false;
  std::string default_namespace;  // own_namespace: the service account's, or the context's
};

// The in-cluster connection: KUBERNETES_SERVICE_HOST/PORT and the service-account token, CA and
// namespace under `sa_dir` (normally /var/run/secrets/kubernetes.io/serviceaccount). Errors when
// not running in a cluster.
util::Result<KubernetesConnection> in_cluster_connection(
    const std::string& sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// A minimal kubeconfig reader: the current context's cluster (server, certificate-authority[-data],
// insecure-skip-tls-verify) and user (token, tokenFile, client-certificate[-data],
// client-key[-data], username/password), and the context's namespace. Relative file paths are
// relative to the kubeconfig's directory, as kubectl resolves them. Errors name what is missing;
// exec and auth-provider plugins are reported as not supported.
util::Result<KubernetesConnection> kubeconfig_connection(const std::string& path);

struct HttpReply {
  long status = 0;
  std::string body;  // the whole body (list), or what was not consumed as events (watch errors)
};

class KubernetesApi {
 public:
  explicit KubernetesApi(KubernetesConnection connection) : conn_(std::move(connection)) {}
  KubernetesApi(KubernetesApi&& other) noexcept : conn_(std::move(other.conn_)) {}
  const KubernetesConnection& connection() const { return conn_; }

  // GET `path_and_query` (e.g. "/api/v1/pods?labelSelector=app%3Dweb"). Transport errors are
  // errors; an HTTP error status is a reply. `cancel` aborts the request.
  util::Result<HttpReply> get(const std::string& path_and_query, const std::atomic<bool>& cancel) const;

  // GET a watch: calls `on_line` with every complete line (one JSON event) as it arrives, until
  // the server ends the response, `cancel` turns true, or on_line returns false. The reply's body
  // holds a non-200 answer.
  util::Result<HttpReply> watch(const std::string& path_and_query, const std::atomic<bool>& cancel,
                                const std::function<bool(std::string_view line)>& on_line) const;

 private:
  KubernetesConnection conn_;
  mutable httpclient::ConnectionPool pool_;  // kept-alive connections between lists
};

}  // namespace discovery
