// Kubernetes service discovery: list + watch loops (see kubernetes_sd.h).
#include "discovery/kubernetes_sd.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

namespace discovery {
namespace {

void log_error(const std::string& ns, const std::string& message) {
  std::fprintf(stderr, "level=error component=kubernetes_sd namespace=\"%s\" msg=\"%s\"\n", ns.c_str(),
               message.c_str());
}

std::string collection(KubernetesRole role) {
  switch (role) {
    case KubernetesRole::kPod: return "pods";
    case KubernetesRole::kNode: return "nodes";
    case KubernetesRole::kService: return "services";
    default: return std::string(kubernetes_role_name(role));
  }
}

std::string resource_version(const nlohmann::json& obj) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return "";
  auto rv = md->find("resourceVersion");
  return rv != md->end() && rv->is_string() ? rv->get<std::string>() : "";
}

}  // namespace

util::Result<KubernetesConnection> resolve_connection(const KubernetesSdConfig& c) {
  if (!c.kubeconfig_file.empty()) return kubeconfig_connection(c.kubeconfig_file);
  if (c.api_server.empty()) return in_cluster_connection();
  KubernetesConnection conn;
  conn.server = c.api_server;
  conn.bearer_token = c.bearer_token;
  conn.bearer_token_file = c.bearer_token_file;
  conn.ca_file = c.ca_file;
  conn.cert_file = c.cert_file;
  conn.key_file = c.key_file;
  conn.insecure_skip_verify = c.insecure_skip_verify;
  conn.username = c.basic_auth_username;
  conn.password = c.basic_auth_password;
  // Outside a cluster with an explicit api_server, own_namespace has nothing to go by but the
  // service-account file, as in Prometheus.
  if (auto in = in_cluster_connection(); in.ok()) conn.default_namespace = in->default_namespace;
  return conn;
}

std::string kubernetes_list_path(const KubernetesSdConfig& c, const std::string& ns, const std::string& extra) {
  std::string path = "/api/v1/";
  if (!ns.empty() && c.role != KubernetesRole::kNode) path += "namespaces/" + ns + "/";
  path += collection(c.role);
  std::string query;
  for (const auto& s : c.selectors) {
    if (s.role != c.role) continue;
    if (!s.label.empty()) query += "&labelSelector=" + url_query_escape(s.label);
    if (!s.field.empty()) query += "&fieldSelector=" + url_query_escape(s.field);
  }
  if (!extra.empty()) query += "&" + extra;
  if (!query.empty()) path += "?" + query.substr(1);
  return path;
}

util::Result<std::unique_ptr<KubernetesDiscovery>> KubernetesDiscovery::create(KubernetesSdConfig config,
                                                                               KubernetesDiscoveryOptions options) {
  auto conn = resolve_connection(config);
  if (!conn.ok()) return util::Error{conn.error()};
  std::vector<std::string> namespaces;
  if (config.role != KubernetesRole::kNode) {
    std::set<std::string> names(config.namespaces.names.begin(), config.namespaces.names.end());
    if (config.namespaces.own_namespace) {
      if (conn->default_namespace.empty()) {
        return util::Error{"namespaces.own_namespace: the pod's namespace is unknown (no service-account namespace file)"};
      }
      names.insert(conn->default_namespace);
    }
    namespaces.assign(names.begin(), names.end());
  }
  if (namespaces.empty()) namespaces.push_back("");
  return std::unique_ptr<KubernetesDiscovery>(
      new KubernetesDiscovery(std::move(config), options, std::move(*conn), std::move(namespaces)));
}

KubernetesDiscovery::KubernetesDiscovery(KubernetesSdConfig config, KubernetesDiscoveryOptions options,
                                         KubernetesConnection conn, std::vector<std::string> namespaces)
    : config_(std::move(config)), options_(options), api_(std::move(conn)), namespaces_(std::move(namespaces)) {}

KubernetesDiscovery::~KubernetesDiscovery() { stop(); }

void KubernetesDiscovery::start(UpdateCallback on_update) {
  on_update_ = std::move(on_update);
  stopping_ = false;
  for (const std::string& ns : namespaces_) threads_.emplace_back([this, ns] { run(ns); });
}

void KubernetesDiscovery::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

bool KubernetesDiscovery::sleep_unless_stopped(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void KubernetesDiscovery::report(std::vector<TargetGroup> changed) {
  if (changed.empty()) return;
  std::lock_guard lock(report_mu_);
  if (!stopping_) on_update_(std::move(changed));
}

void KubernetesDiscovery::run(const std::string& ns) {
  std::map<std::string, TargetGroup> groups;  // by source: what this namespace reported
  while (!stopping_) {
    list_and_watch(ns, groups);
    if (!sleep_unless_stopped(options_.retry_interval)) return;
  }
}

void KubernetesDiscovery::list_and_watch(const std::string& ns, std::map<std::string, TargetGroup>& groups) {
  auto listed = api_.get(kubernetes_list_path(config_, ns, ""), stopping_);
  if (!listed.ok() || listed->status != 200) {
    if (!stopping_) log_error(ns, listed.ok() ? "list: HTTP " + std::to_string(listed->status) + ": " + listed->body
                                              : "list: " + listed.error());
    return;
  }
  nlohmann::json list = nlohmann::json::parse(listed->body, nullptr, false);
  if (list.is_discarded() || !list.is_object() || !list.contains("items") || !list["items"].is_array()) {
    log_error(ns, "list: not a Kubernetes list");
    return;
  }
  // The list is the whole truth: groups of objects no longer there are reported empty.
  std::map<std::string, TargetGroup> now;
  for (const auto& item : list["items"]) {
    TargetGroup g = target_group_for(config_.role, item);
    now[g.source] = std::move(g);
  }
  std::vector<TargetGroup> changed;
  for (const auto& [source, g] : now) {
    auto it = groups.find(source);
    if (it == groups.end() || !(it->second == g)) changed.push_back(g);
  }
  for (const auto& [source, g] : groups) {
    if (!now.count(source)) changed.push_back(TargetGroup{source, {}, {}});
  }
  groups = std::move(now);
  report(std::move(changed));

  std::string rv = resource_version(list);
  while (!stopping_) {
    bool relist = false;
    auto on_line = [&](std::string_view line) {
      nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_discarded() || !event.is_object()) return true;  // not an event: skip it
      const std::string type = event.value("type", "");
      const nlohmann::json& obj = event.contains("object") ? event["object"] : nlohmann::json();
      if (type == "ERROR") {
        // A Status object; 410 Gone means our resourceVersion is too old: list again.
        log_error(ns, "watch: " + obj.value("message", std::string("error event")));
        relist = true;
        return false;
      }
      if (std::string v = resource_version(obj); !v.empty()) rv = v;
      if (type == "BOOKMARK") return true;
      TargetGroup g = type == "DELETED" ? TargetGroup{kubernetes_source(config_.role, obj), {}, {}}
                                        : target_group_for(config_.role, obj);
      if (type == "DELETED") {
        groups.erase(g.source);
      } else if (type == "ADDED" || type == "MODIFIED") {
        auto it = groups.find(g.source);
        if (it != groups.end() && it->second == g) return true;  // nothing we label changed
        groups[g.source] = g;
      } else {
        return true;
      }
      report({std::move(g)});
      return true;
    };
    std::string extra = "watch=1&allowWatchBookmarks=true&timeoutSeconds=" +
                        std::to_string(options_.watch_timeout_seconds);
    if (!rv.empty()) extra += "&resourceVersion=" + url_query_escape(rv);
    auto watched = api_.watch(kubernetes_list_path(config_, ns, extra), stopping_, on_line);
    if (stopping_) return;
    if (!watched.ok()) {
      log_error(ns, "watch: " + watched.error());
      return;
    }
    if (watched->status != 200) {
      log_error(ns, "watch: HTTP " + std::to_string(watched->status) + ": " + watched->body);
      return;
    }
    if (relist) return;
  }
}

}  // namespace discovery
