// Kubernetes objects -> target groups (see kubernetes_objects.h). Field names follow the
// Kubernetes API JSON; a missing field reads as empty, which drops the label (an empty value
// is the same as no label in Prometheus).
#include "discovery/kubernetes_objects.h"

#include <nlohmann/json.hpp>

namespace discovery {
using nlohmann::json;

namespace {

constexpr std::string_view kMeta = "__meta_kubernetes_";

std::string meta(std::string_view role, std::string_view rest) {
  std::string out(kMeta);
  out += role;
  out += '_';
  out += rest;
  return out;
}

}  // namespace

// The string at obj[a][b]..., "" when any step is missing or not a string.
std::string json_string(const json& obj, std::initializer_list<const char*> keys) {
  const json* cur = &obj;
  for (const char* k : keys) {
    if (!cur->is_object()) return "";
    auto it = cur->find(k);
    if (it == cur->end()) return "";
    cur = &*it;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_number_integer()) return std::to_string(cur->get<int64_t>());
  return "";
}

const json& json_child(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

// net.JoinHostPort: brackets around an IPv6 host.
std::string join_host_port(const std::string& host, const std::string& port) {
  return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

// Prometheus's addObjectMetaLabels: <role>_name, labels and annotations with their `present`
// twins.
void add_object_meta_labels(model::LabelSet& ls, const json& metadata, std::string_view role) {
  ls.set(meta(role, "name"), json_string(metadata, {"name"}));
  for (const char* kind : {"label", "annotation"}) {
    const json& m = json_child(metadata, kind == std::string_view("label") ? "labels" : "annotations");
    if (!m.is_object()) continue;
    for (const auto& [name, value] : m.items()) {
      std::string clean = sanitize_label_name(name);
      ls.set(meta(role, std::string(kind) + "_" + clean), value.is_string() ? value.get<std::string>() : "");
      ls.set(meta(role, std::string(kind) + "present_" + clean), "true");
    }
  }
}

namespace {

std::string pod_ready(const json& pod) {
  const json& conditions = json_child(json_child(pod, "status"), "conditions");
  if (conditions.is_array()) {
    for (const json& c : conditions) {
      if (json_string(c, {"type"}) == "Ready") {
        std::string s = json_string(c, {"status"});
        for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
      }
    }
  }
  return "unknown";
}

std::string container_id(const json& statuses, const std::string& name) {
  if (!statuses.is_array()) return "";
  for (const json& s : statuses) {
    if (json_string(s, {"name"}) == name) return json_string(s, {"containerID"});
  }
  return "";
}

}  // namespace

bool parse_kubernetes_role(std::string_view name, KubernetesRole& role) {
  static const std::pair<std::string_view, KubernetesRole> kRoles[] = {
      {"pod", KubernetesRole::kPod},           {"node", KubernetesRole::kNode},
      {"service", KubernetesRole::kService},   {"endpoints", KubernetesRole::kEndpoints},
      {"endpointslice", KubernetesRole::kEndpointSlice}, {"ingress", KubernetesRole::kIngress}};
  for (const auto& [n, r] : kRoles) {
    if (n == name) {
      role = r;
      return true;
    }
  }
  return false;
}

std::string_view kubernetes_role_name(KubernetesRole role) {
  switch (role) {
    case KubernetesRole::kPod: return "pod";
    case KubernetesRole::kNode: return "node";
    case KubernetesRole::kService: return "service";
    case KubernetesRole::kEndpoints: return "endpoints";
    case KubernetesRole::kEndpointSlice: return "endpointslice";
    case KubernetesRole::kIngress: return "ingress";
  }
  return "";
}

std::string sanitize_label_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  return out;
}

std::string kubernetes_source(KubernetesRole role, const json& object) {
  const json& md = json_child(object, "metadata");
  switch (role) {
    case KubernetesRole::kNode: return "node/" + json_string(md, {"name"});
    case KubernetesRole::kService: return "svc/" + json_string(md, {"namespace"}) + "/" + json_string(md, {"name"});
    default: return std::string(kubernetes_role_name(role)) + "/" + json_string(md, {"namespace"}) + "/" + json_string(md, {"name"});
  }
}

model::LabelSet pod_labels(const json& pod) {
  const json& md = json_child(pod, "metadata");
  const json& status = json_child(pod, "status");
  model::LabelSet ls;
  ls.set("__meta_kubernetes_pod_ip", json_string(status, {"podIP"}));
  ls.set("__meta_kubernetes_pod_ready", pod_ready(pod));
  ls.set("__meta_kubernetes_pod_phase", json_string(status, {"phase"}));
  ls.set("__meta_kubernetes_pod_node_name", json_string(pod, {"spec", "nodeName"}));
  ls.set("__meta_kubernetes_pod_host_ip", json_string(status, {"hostIP"}));
  ls.set("__meta_kubernetes_pod_uid", json_string(md, {"uid"}));
  add_object_meta_labels(ls, md, "pod");
  if (const json& owners = json_child(md, "ownerReferences"); owners.is_array()) {
    for (const json& o : owners) {
      if (json_child(o, "controller").is_boolean() && json_child(o, "controller").get<bool>()) {
        ls.set("__meta_kubernetes_pod_controller_kind", json_string(o, {"kind"}));
        ls.set("__meta_kubernetes_pod_controller_name", json_string(o, {"name"}));
        break;
      }
    }
  }
  return ls;
}

model::LabelSet service_labels(const json& svc) {
  const json& md = json_child(svc, "metadata");
  model::LabelSet ls;
  ls.set("__meta_kubernetes_namespace", json_string(md, {"namespace"}));
  add_object_meta_labels(ls, md, "service");
  return ls;
}

std::string kubernetes_object_key(const json& object) {
  const json& md = json_child(object, "metadata");
  return json_string(md, {"namespace"}) + "/" + json_string(md, {"name"});
}

TargetGroup pod_target_group(const json& pod) {
  TargetGroup tg;
  tg.source = kubernetes_source(KubernetesRole::kPod, pod);
  const json& md = json_child(pod, "metadata");
  const json& spec = json_child(pod, "spec");
  const json& status = json_child(pod, "status");
  const std::string ip = json_string(status, {"podIP"});
  if (ip.empty()) return tg;  // starting or evicted: no targets yet

  tg.labels = pod_labels(pod);
  tg.labels.set("__meta_kubernetes_namespace", json_string(md, {"namespace"}));

  for (bool init : {false, true}) {
    const json& containers = json_child(spec, init ? "initContainers" : "containers");
    if (!containers.is_array()) continue;
    const json& statuses = json_child(status, init ? "initContainerStatuses" : "containerStatuses");
    for (const json& c : containers) {
      const std::string name = json_string(c, {"name"});
      model::LabelSet base{{"__meta_kubernetes_pod_container_name", name},
                           {"__meta_kubernetes_pod_container_id", container_id(statuses, name)},
                           {"__meta_kubernetes_pod_container_image", json_string(c, {"image"})},
                           {"__meta_kubernetes_pod_container_init", init ? "true" : "false"}};
      const json& ports = json_child(c, "ports");
      if (!ports.is_array() || ports.empty()) {
        base.set("__address__", ip);
        tg.targets.push_back(std::move(base));
        continue;
      }
      for (const json& p : ports) {
        model::LabelSet t = base;
        const std::string number = json_string(p, {"containerPort"});
        t.set("__address__", join_host_port(ip, number));
        t.set("__meta_kubernetes_pod_container_port_number", number);
        t.set("__meta_kubernetes_pod_container_port_name", json_string(p, {"name"}));
        t.set("__meta_kubernetes_pod_container_port_protocol", json_string(p, {"protocol"}));
        tg.targets.push_back(std::move(t));
      }
    }
  }
  return tg;
}

TargetGroup node_target_group(const json& node) {
  TargetGroup tg;
  tg.source = kubernetes_source(KubernetesRole::kNode, node);
  const json& md = json_child(node, "metadata");
  const json& status = json_child(node, "status");
  tg.labels.set("__meta_kubernetes_node_provider_id", json_string(node, {"spec", "providerID"}));
  add_object_meta_labels(tg.labels, md, "node");

  // The first address of each type, and the preferred one for __address__.
  std::vector<std::pair<std::string, std::string>> first_by_type;
  if (const json& addrs = json_child(status, "addresses"); addrs.is_array()) {
    for (const json& a : addrs) {
      std::string type = json_string(a, {"type"});
      bool seen = false;
      for (const auto& [t, v] : first_by_type) seen = seen || t == type;
      if (!seen) first_by_type.emplace_back(type, json_string(a, {"address"}));
    }
  }
  std::string address;
  for (const char* preferred : {"InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"}) {
    for (const auto& [t, v] : first_by_type) {
      if (address.empty() && t == preferred) address = v;
    }
  }
  if (address.empty()) return tg;  // Prometheus logs "host address unknown" and skips the node
  model::LabelSet t;
  t.set("__address__", join_host_port(address, json_string(status, {"daemonEndpoints", "kubeletEndpoint", "Port"})));
  t.set("instance", json_string(md, {"name"}));
  for (const auto& [type, value] : first_by_type) {
    t.set(sanitize_label_name("__meta_kubernetes_node_address_" + type), value);
  }
  tg.targets.push_back(std::move(t));
  return tg;
}

TargetGroup service_target_group(const json& svc) {
  TargetGroup tg;
  tg.source = kubernetes_source(KubernetesRole::kService, svc);
  const json& md = json_child(svc, "metadata");
  const json& spec = json_child(svc, "spec");
  tg.labels = service_labels(svc);
  const std::string type = json_string(spec, {"type"});
  const std::string host = json_string(md, {"name"}) + "." + json_string(md, {"namespace"}) + ".svc";
  if (const json& ports = json_child(spec, "ports"); ports.is_array()) {
    for (const json& p : ports) {
      model::LabelSet t;
      const std::string number = json_string(p, {"port"});
      t.set("__address__", join_host_port(host, number));
      t.set("__meta_kubernetes_service_port_name", json_string(p, {"name"}));
      t.set("__meta_kubernetes_service_port_number", number);
      t.set("__meta_kubernetes_service_port_protocol", json_string(p, {"protocol"}));
      t.set("__meta_kubernetes_service_type", type);
      if (type == "ExternalName") {
        t.set("__meta_kubernetes_service_external_name", json_string(spec, {"externalName"}));
      } else {
        t.set("__meta_kubernetes_service_cluster_ip", json_string(spec, {"clusterIP"}));
      }
      if (type == "LoadBalancer") t.set("__meta_kubernetes_service_loadbalancer_ip", json_string(spec, {"loadBalancerIP"}));
      tg.targets.push_back(std::move(t));
    }
  }
  return tg;
}

TargetGroup target_group_for(KubernetesRole role, const json& object) {
  switch (role) {
    case KubernetesRole::kPod: return pod_target_group(object);
    case KubernetesRole::kNode: return node_target_group(object);
    case KubernetesRole::kService: return service_target_group(object);
    default: return TargetGroup{kubernetes_source(role, object), {}, {}};
  }
}

}  // namespace discovery
