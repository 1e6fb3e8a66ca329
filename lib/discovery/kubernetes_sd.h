// Kubernetes service discovery (Prometheus's kubernetes_sd_configs, as Promtail uses it): for
// each namespace (or all), and each kind of object the role needs (pods; nodes; services;
// endpoints, services and pods; endpointslices, services and pods), LIST the objects, then WATCH
// from the list's resourceVersion; every added, modified or deleted object updates the target
// groups (see kubernetes_objects.h and kubernetes_endpoints.h). A watch that ends is resumed from
// the last resourceVersion seen; one that fails, or that the server answers 410 Gone
// (resourceVersion too old), is replaced by a fresh LIST, whose result also removes objects
// deleted meanwhile. Errors are logged to stderr and retried after a pause.
//
// The pod, node and service roles turn each event into its object's group. The endpoints roles
// keep the objects of their three kinds per namespace, report nothing until all three have been
// listed (as Prometheus waits for its informers to sync), then recompute the groups of the
// namespace on any event and report those that changed: a pod or service change thus reaches the
// endpoints that refer to it.
//
// Roles: pod, node, service, endpoints, endpointslice. ingress is refused at config time.
//
// Thread-safety: one thread per watched namespace x kind; the objects and the groups reported
// are guarded by one mutex, held while on_update runs, so on_update is never called
// concurrently. start()/stop() from one controlling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "discovery/kubernetes_api.h"
#include "discovery/kubernetes_endpoints.h"
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

// The kinds of objects `role` watches, its own first (a selector of the same role applies to each).
std::vector<KubernetesRole> kubernetes_watched_kinds(KubernetesRole role);

// The API path of the collection of `kind` (a role name standing for its object kind) in `ns`
// ("" for all namespaces), with the selectors for that kind as query parameters; `extra` is
// appended ("watch=1&resourceVersion=..."). EndpointSlices are read from discovery.k8s.io/v1.
std::string kubernetes_list_path(const KubernetesSdConfig& config, KubernetesRole kind, const std::string& ns,
                                 const std::string& extra);
// The same for the config's role.
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
  // What one namespace ("" for all) has seen and reported; guarded by state_mu_.
  struct NamespaceState {
    std::map<KubernetesRole, KubernetesObjects> objects;  // endpoints roles only, by kind
    std::set<KubernetesRole> listed;                      // kinds listed at least once
    std::map<std::string, TargetGroup> reported;          // by kubernetes_object_key
  };

  KubernetesDiscovery(KubernetesSdConfig config, KubernetesDiscoveryOptions options, KubernetesConnection conn,
                      std::vector<std::string> namespaces);
  bool keeps_objects() const;  // whether groups depend on other objects than their own
  void run(const std::string& ns, KubernetesRole kind);
  // LIST, then WATCH until an error or stop; returns after a failure (the caller pauses).
  void list_and_watch(const std::string& ns, KubernetesRole kind);
  void apply_list(const std::string& ns, KubernetesRole kind, KubernetesObjects objects);
  void apply_event(const std::string& ns, KubernetesRole kind, const std::string& type, const nlohmann::json& object);
  TargetGroup build_group(const NamespaceState& state, const nlohmann::json& object) const;
  // The groups of `primary`'s objects whose key starts with `prefix` that differ from what was
  // reported, and empty groups for the reported ones under `prefix` that have no object any more;
  // `state.reported` is updated to match.
  std::vector<TargetGroup> diff_groups(NamespaceState& state, const KubernetesObjects& primary,
                                       const std::string& prefix) const;
  void report_locked(std::vector<TargetGroup> changed);
  bool sleep_unless_stopped(std::chrono::milliseconds d);

  const KubernetesSdConfig config_;
  const KubernetesDiscoveryOptions options_;
  const KubernetesApi api_;
  const std::vector<std::string> namespaces_;  // {""}: all namespaces
  const std::vector<KubernetesRole> kinds_;    // watched in each namespace

  UpdateCallback on_update_;
  std::mutex state_mu_;  // guards states_' values; on_update is called with it held
  std::map<std::string, NamespaceState> states_;  // by namespace; keys fixed at construction
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace discovery
