// Kubernetes service discovery: list + watch loops (see kubernetes_sd.h).
#include "discovery/kubernetes_sd.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

namespace discovery {
namespace {

void log_error(const std::string& ns, KubernetesRole kind, const std::string& message) {
  std::fprintf(stderr, "level=error component=kubernetes_sd namespace=\"%s\" kind=%s msg=\"%s\"\n", ns.c_str(),
               std::string(kubernetes_role_name(kind)).c_str(), message.c_str());
}

std::string collection(KubernetesRole kind) {
  switch (kind) {
    case KubernetesRole::kPod: return "pods";
    case KubernetesRole::kNode: return "nodes";
    case KubernetesRole::kService: return "services";
    case KubernetesRole::kEndpoints: return "endpoints";
    case KubernetesRole::kEndpointSlice: return "endpointslices";
    case KubernetesRole::kIngress: return "ingresses";
  }
  return "";
}

std::string api_group_prefix(KubernetesRole kind) {
  switch (kind) {
    case KubernetesRole::kEndpointSlice: return "/apis/discovery.k8s.io/v1/";
    case KubernetesRole::kIngress: return "/apis/networking.k8s.io/v1/";
    default: return "/api/v1/";
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

std::vector<KubernetesRole> kubernetes_watched_kinds(KubernetesRole role) {
  switch (role) {
    case KubernetesRole::kEndpoints:
    case KubernetesRole::kEndpointSlice: return {role, KubernetesRole::kService, KubernetesRole::kPod};
    default: return {role};
  }
}

std::string kubernetes_list_path(const KubernetesSdConfig& c, const std::string& ns, const std::string& extra) {
  return kubernetes_list_path(c, c.role, ns, extra);
}

std::string kubernetes_list_path(const KubernetesSdConfig& c, KubernetesRole kind, const std::string& ns,
                                 const std::string& extra) {
  std::string path = api_group_prefix(kind);
  if (!ns.empty() && kind != KubernetesRole::kNode) path += "namespaces/" + ns + "/";
  path += collection(kind);
  std::string query;
  for (const auto& s : c.selectors) {
    if (s.role != kind) continue;
    if (!s.label.empty()) query += "&labelSelector=" + httpclient::uri_encode(s.label, false);
    if (!s.field.empty()) query += "&fieldSelector=" + httpclient::uri_encode(s.field, false);
  }
  if (!extra.empty()) query += "&" + extra;
  if (!query.empty()) path += "?" + query.substr(1);
  return path;
}

util::Result<std::unique_ptr<KubernetesDiscovery>> KubernetesDiscovery::create(KubernetesSdConfig config,
                                                                               KubernetesDiscoveryOptions options) {
  auto conn = resolve_connection(config);
  if (!conn.ok()) return conn.status_error();
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
    : config_(std::move(config)),
      options_(options),
      api_(std::move(conn)),
      namespaces_(std::move(namespaces)),
      kinds_(kubernetes_watched_kinds(config_.role)) {
  for (const std::string& ns : namespaces_) states_[ns];
}

KubernetesDiscovery::~KubernetesDiscovery() { stop(); }

void KubernetesDiscovery::start(UpdateCallback on_update) {
  on_update_ = std::move(on_update);
  stopping_ = false;
  for (const std::string& ns : namespaces_) {
    for (KubernetesRole kind : kinds_) threads_.emplace_back([this, ns, kind] { run(ns, kind); });
  }
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

bool KubernetesDiscovery::keeps_objects() const { return kinds_.size() > 1; }

void KubernetesDiscovery::report_locked(std::vector<TargetGroup> changed) {
  if (!changed.empty() && !stopping_) on_update_(std::move(changed));
}

TargetGroup KubernetesDiscovery::build_group(const NamespaceState& st, const nlohmann::json& object) const {
  static const KubernetesObjects kNone;
  auto objects = [&](KubernetesRole kind) -> const KubernetesObjects& {
    auto it = st.objects.find(kind);
    return it == st.objects.end() ? kNone : it->second;
  };
  switch (config_.role) {
    case KubernetesRole::kEndpoints:
      return endpoints_target_group(object, objects(KubernetesRole::kService), objects(KubernetesRole::kPod));
    case KubernetesRole::kEndpointSlice:
      return endpointslice_target_group(object, objects(KubernetesRole::kService), objects(KubernetesRole::kPod));
    default: return target_group_for(config_.role, object);
  }
}

std::vector<TargetGroup> KubernetesDiscovery::diff_groups(NamespaceState& st, const KubernetesObjects& primary,
                                                          const std::string& prefix) const {
  std::vector<TargetGroup> changed;
  for (auto it = primary.lower_bound(prefix); it != primary.end() && it->first.starts_with(prefix); ++it) {
    TargetGroup g = build_group(st, it->second);
    auto [old, fresh] = st.reported.try_emplace(it->first, g);
    if (!fresh && old->second == g) continue;
    old->second = g;
    changed.push_back(std::move(g));
  }
  for (auto it = st.reported.lower_bound(prefix); it != st.reported.end() && it->first.starts_with(prefix);) {
    if (primary.count(it->first)) {
      ++it;
      continue;
    }
    changed.push_back(TargetGroup{it->second.source, {}, {}});
    it = st.reported.erase(it);
  }
  return changed;
}

void KubernetesDiscovery::apply_list(const std::string& ns, KubernetesRole kind, KubernetesObjects objects) {
  std::lock_guard lock(state_mu_);
  NamespaceState& st = states_.at(ns);
  st.listed.insert(kind);
  if (!keeps_objects()) {
    // The list is the whole truth: groups of objects no longer there are reported empty.
    report_locked(diff_groups(st, objects, ""));
    return;
  }
  st.objects[kind] = std::move(objects);
  if (st.listed.size() < kinds_.size()) return;  // wait for the other kinds, as informers sync
  report_locked(diff_groups(st, st.objects[config_.role], ""));
}

void KubernetesDiscovery::apply_event(const std::string& ns, KubernetesRole kind, const std::string& type,
                                      const nlohmann::json& object) {
  if (type != "ADDED" && type != "MODIFIED" && type != "DELETED") return;
  const std::string key = kubernetes_object_key(object);
  std::lock_guard lock(state_mu_);
  NamespaceState& st = states_.at(ns);
  if (!keeps_objects()) {
    // The group depends on this object alone.
    TargetGroup g;
    if (type == "DELETED") {
      g = TargetGroup{kubernetes_source(config_.role, object), {}, {}};
      st.reported.erase(key);
    } else {
      g = build_group(st, object);
      auto [old, fresh] = st.reported.try_emplace(key, g);
      if (!fresh && old->second == g) return;  // nothing we label changed
      old->second = g;
    }
    report_locked({std::move(g)});
    return;
  }
  KubernetesObjects& objects = st.objects[kind];
  if (type == "DELETED") {
    objects.erase(key);
  } else {
    objects[key] = object;
  }
  if (st.listed.size() < kinds_.size()) return;
  // A pod or service may concern any endpoints object of its namespace: recompute them all.
  const std::string object_ns = key.substr(0, key.find('/') + 1);
  report_locked(diff_groups(st, st.objects[config_.role], object_ns));
}

void KubernetesDiscovery::run(const std::string& ns, KubernetesRole kind) {
  while (!stopping_) {
    try {
      list_and_watch(ns, kind);
    } catch (const std::exception& e) {
      // An object whose fields have unexpected JSON types (nlohmann throws on them): list again.
      log_error(ns, kind, std::string("malformed API response: ") + e.what());
    }
    if (!sleep_unless_stopped(options_.retry_interval)) return;
  }
}

void KubernetesDiscovery::list_and_watch(const std::string& ns, KubernetesRole kind) {
  auto listed = api_.get(kubernetes_list_path(config_, kind, ns, ""), stopping_);
  if (!listed.ok() || listed->status != 200) {
    if (!stopping_) {
      log_error(ns, kind, listed.ok() ? "list: HTTP " + std::to_string(listed->status) + ": " + listed->body
                                      : "list: " + listed.error());
    }
    return;
  }
  nlohmann::json list = nlohmann::json::parse(listed->body, nullptr, false);
  if (list.is_discarded() || !list.is_object() || !list.contains("items") || !list["items"].is_array()) {
    log_error(ns, kind, "list: not a Kubernetes list");
    return;
  }
  KubernetesObjects objects;
  for (auto& item : list["items"]) {
    std::string key = kubernetes_object_key(item);
    objects[std::move(key)] = std::move(item);
  }
  apply_list(ns, kind, std::move(objects));

  std::string rv = resource_version(list);
  while (!stopping_) {
    bool relist = false;
    // Runs inside libcurl's C callback: nothing may throw out of it.
    auto on_line = [&](std::string_view line) noexcept {
      try {
        nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
        if (event.is_discarded() || !event.is_object()) return true;  // not an event: skip it
        auto t = event.find("type");
        auto o = event.find("object");
        if (t == event.end() || !t->is_string() || o == event.end() || !o->is_object()) {
          log_error(ns, kind, "watch: malformed event (no type or object); listing again");
          relist = true;
          return false;
        }
        const std::string type = t->get<std::string>();
        const nlohmann::json& obj = *o;
        if (type == "ERROR") {
          // A Status object; 410 Gone means our resourceVersion is too old: list again.
          auto m = obj.find("message");
          log_error(ns, kind, "watch: " + (m != obj.end() && m->is_string() ? m->get<std::string>()
                                                                             : std::string("error event")));
          relist = true;
          return false;
        }
        if (std::string v = resource_version(obj); !v.empty()) rv = v;
        if (type != "BOOKMARK") apply_event(ns, kind, type, obj);
        return true;
      } catch (const std::exception& e) {
        log_error(ns, kind, std::string("watch: malformed event: ") + e.what() + "; listing again");
        relist = true;
        return false;
      }
    };
    std::string extra = "watch=1&allowWatchBookmarks=true&timeoutSeconds=" +
                        std::to_string(options_.watch_timeout_seconds);
    if (!rv.empty()) extra += "&resourceVersion=" + httpclient::uri_encode(rv, false);
    auto watched = api_.watch(kubernetes_list_path(config_, kind, ns, extra), stopping_, on_line);
    if (stopping_) return;
    if (!watched.ok()) {
      log_error(ns, kind, "watch: " + watched.error());
      return;
    }
    if (watched->status != 200) {
      log_error(ns, kind, "watch: HTTP " + std::to_string(watched->status) + ": " + watched->body);
      return;
    }
    if (relist) return;
  }
}

}  // namespace discovery
