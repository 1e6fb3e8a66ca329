// Kubernetes service discovery (Prometheus's kubernetes_sd_configs, as Promtail uses it): for
// each namespace (or all), LIST the role's objects, then WATCH from the list's resourceVersion;
// every added, modified or deleted object updates its target group (see kubernetes_objects.h).
// A watch that ends is resumed from the last resourceVersion seen; one that fails, or that the
// server answers 410 Gone (resourceVersion too old), is replaced by a fresh LIST, whose result
// also removes groups of objects deleted meanwhile. Errors are logged to stderr and retried
// after a pause.
//
// Roles: pod, node and service. endpoints, endpointslice and ingress are refused at config time.
//
// Thread-safety: one thread per watched namespace; updates are delivered under one mutex so that
// on_update is never called concurrently. start()/stop() from one controlling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "discovery/kubernetes_api.h"
#include "discovery/kubernetes_objects.h"
#include "discovery/target_group.h"
#include "util/result.h"

namespace discovery {

// A kubernetes_sd_configs entry (the keys logtail accepts; see docs/kubernetes.md).
struct KubernetesSdConfig {
  std::string api_server;
  KubernetesRole role = KubernetesRole::kPod;
  std::string kubeconfig_file;
  struct Namespaces {
    std::vector<std::string> names;
    bool own_namespace = false;
  } namespaces;
  struct Selector {
    KubernetesRole role = KubernetesRole::kPod;
    std::string label;  // labelSelector, e.g. "app=web,tier!=cache"
    std::string field;  // fieldSelector, e.g. "spec.nodeName=node-1"
  };
  std::vector<Selector> selectors;
  // The HTTP client settings used with api_server (in-cluster and kubeconfig bring their own).
  std::string bearer_token, bearer_token_file;
  std::string ca_file, cert_file, key_file;
  bool insecure_skip_verify = false;
  std::string basic_auth_username, basic_auth_password;
};

// Where to connect for `config`: kubeconfig_file, else api_server with the config's credentials,
// else in-cluster.
util::Result<KubernetesConnection> resolve_connection(const KubernetesSdConfig& config);

// The API path of the role's collection in `ns` ("" for all namespaces), with the selectors
// for the role as query parameters; `extra` is appended ("watch=1&resourceVersion=...").
std::string kubernetes_list_path(const KubernetesSdConfig& config, const std::string& ns, const std::string& extra);

struct KubernetesDiscoveryOptions {
  std::chrono::milliseconds retry_interval{1000};  // pause after an error before listing again
  int watch_timeout_seconds = 300;                 // timeoutSeconds asked for each watch
};

class KubernetesDiscovery : public Discoverer {
 public:
  // Errors: no way to connect (see resolve_connection), own_namespace without a known namespace.
  static util::Result<std::unique_ptr<KubernetesDiscovery>> create(KubernetesSdConfig config,
                                                                   KubernetesDiscoveryOptions options = {});
  ~KubernetesDiscovery() override;
  void start(UpdateCallback on_update) override;
  void stop() override;

 private:
  KubernetesDiscovery(KubernetesSdConfig config, KubernetesDiscoveryOptions options, KubernetesConnection conn,
                      std::vector<std::string> namespaces);
  void run(const std::string& ns);
  // LIST, then WATCH until an error or stop; returns after a failure (the caller pauses).
  void list_and_watch(const std::string& ns, std::map<std::string, TargetGroup>& groups);
  void report(std::vector<TargetGroup> changed);
  bool sleep_unless_stopped(std::chrono::milliseconds d);

  const KubernetesSdConfig config_;
  const KubernetesDiscoveryOptions options_;
  const KubernetesApi api_;
  const std::vector<std::string> namespaces_;  // {""}: all namespaces

  UpdateCallback on_update_;
  std::mutex report_mu_;  // on_update is called with it held
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace discovery
