// Endpoints and EndpointSlice objects -> target groups (see kubernetes_endpoints.h).
#include "discovery/kubernetes_endpoints.h"

#include <optional>
#include <vector>

#include "discovery/kubernetes_objects.h"

namespace discovery {
namespace {

using nlohmann::json;

// "true"/"false" for a JSON boolean at object[key]; nullopt when absent (Prometheus then leaves
// the label out, as the API's nil pointer).
std::optional<std::string> json_bool(const json& object, const char* key) {
  const json& v = json_child(object, key);
  if (!v.is_boolean()) return std::nullopt;
  return v.get<bool>() ? "true" : "false";
}

// The pods met among a group's addresses, and the endpoint ports their addresses covered, so
// that the pods' other container ports can become targets too.
class PodPorts {
 public:
  explicit PodPorts(const KubernetesObjects& pods) : pods_(pods) {}

  // `target` is an address x `port` ("" when the port has no number) whose targetRef is `ref`.
  // When `ref` names a pod we know, adds the pod's labels and those of the container owning
  // `port`. The endpoints role labels that port with `endpoint_protocol`, the endpointslice
  // role (nullptr) with the container port's own protocol: Prometheus differs there.
  void attach(const json& ref, const std::string& port, const std::string* endpoint_protocol,
              model::LabelSet& target) {
    if (json_string(ref, {"kind"}) != "Pod") return;
    const std::string key = json_string(ref, {"namespace"}) + "/" + json_string(ref, {"name"});
    auto it = pods_.find(key);
    if (it == pods_.end()) return;
    const json& pod = it->second;
    auto [entry, fresh] = seen_.try_emplace(key, Seen{&pod, {}});
    if (fresh) order_.push_back(key);
    for (const auto& l : pod_labels(pod)) target.set(l.name, l.value);
    for_each_container_port(pod, [&](const json& c, const json& cport, bool init) {
      if (port.empty() || json_string(cport, {"containerPort"}) != port) return false;
      target.set("__meta_kubernetes_pod_container_name", json_string(c, {"name"}));
      target.set("__meta_kubernetes_pod_container_image", json_string(c, {"image"}));
      target.set("__meta_kubernetes_pod_container_port_name", json_string(cport, {"name"}));
      target.set("__meta_kubernetes_pod_container_port_number", port);
      target.set("__meta_kubernetes_pod_container_port_protocol",
                 endpoint_protocol ? *endpoint_protocol : json_string(cport, {"protocol"}));
      target.set("__meta_kubernetes_pod_container_init", init ? "true" : "false");
      return true;  // the container's other ports cannot match
    });
    entry->second.ports.push_back(port);
  }

  // A target for every container port of the pods met that no address covered.
  void add_uncovered(std::vector<model::LabelSet>& targets) const {
    for (const std::string& key : order_) {
      const Seen& s = seen_.at(key);
      const std::string ip = json_string(*s.pod, {"status", "podIP"});
      if (ip.empty()) continue;  // starting or evicted
      const model::LabelSet common = pod_labels(*s.pod);
      for_each_container_port(*s.pod, [&](const json& c, const json& cport, bool init) {
        const std::string number = json_string(cport, {"containerPort"});
        for (const std::string& p : s.ports) {
          if (!p.empty() && p == number) return false;
        }
        model::LabelSet t = common;
        t.set("__address__", join_host_port(ip, number));
        t.set("__meta_kubernetes_pod_container_name", json_string(c, {"name"}));
        t.set("__meta_kubernetes_pod_container_image", json_string(c, {"image"}));
        t.set("__meta_kubernetes_pod_container_port_name", json_string(cport, {"name"}));
        t.set("__meta_kubernetes_pod_container_port_number", number);
        t.set("__meta_kubernetes_pod_container_port_protocol", json_string(cport, {"protocol"}));
        t.set("__meta_kubernetes_pod_container_init", init ? "true" : "false");
        targets.push_back(std::move(t));
        return false;
      });
    }
  }

 private:
  struct Seen {
    const json* pod;
    std::vector<std::string> ports;
  };

  // Calls fn(container, port, init) for the ports of the containers, then of the init
  // containers; fn returning true skips the rest of that container's ports.
  template <class Fn>
  static void for_each_container_port(const json& pod, Fn fn) {
    for (bool init : {false, true}) {
      const json& containers = json_child(json_child(pod, "spec"), init ? "initContainers" : "containers");
      if (!containers.is_array()) continue;
      for (const json& c : containers) {
        const json& ports = json_child(c, "ports");
        if (!ports.is_array()) continue;
        for (const json& cport : ports) {
          if (fn(c, cport, init)) break;
        }
      }
    }
  }

  const KubernetesObjects& pods_;
  std::map<std::string, Seen> seen_;
  std::vector<std::string> order_;  // keys of seen_ in the order met, for a stable target order
};

void add_service_labels(const std::string& ns, const std::string& name, const KubernetesObjects& services,
                        model::LabelSet& labels) {
  auto it = services.find(ns + "/" + name);
  if (it == services.end()) return;
  for (const auto& l : service_labels(it->second)) labels.set(l.name, l.value);
}

}  // namespace

TargetGroup endpoints_target_group(const json& eps, const KubernetesObjects& services, const KubernetesObjects& pods) {
  TargetGroup tg;
  tg.source = kubernetes_source(KubernetesRole::kEndpoints, eps);
  const json& md = json_child(eps, "metadata");
  const std::string ns = json_string(md, {"namespace"});
  tg.labels.set("__meta_kubernetes_namespace", ns);
  add_service_labels(ns, json_string(md, {"name"}), services, tg.labels);
  add_object_meta_labels(tg.labels, md, "endpoints");

  PodPorts pod_ports(pods);
  auto add = [&](const json& addr, const json& port, const char* ready) {
    const std::string number = json_string(port, {"port"});
    const std::string protocol = json_string(port, {"protocol"});
    model::LabelSet t;
    t.set("__address__", join_host_port(json_string(addr, {"ip"}), number));
    t.set("__meta_kubernetes_endpoint_port_name", json_string(port, {"name"}));
    t.set("__meta_kubernetes_endpoint_port_protocol", protocol);
    t.set("__meta_kubernetes_endpoint_ready", ready);
    const json& ref = json_child(addr, "targetRef");
    if (ref.is_object()) {
      t.set("__meta_kubernetes_endpoint_address_target_kind", json_string(ref, {"kind"}));
      t.set("__meta_kubernetes_endpoint_address_target_name", json_string(ref, {"name"}));
    }
    t.set("__meta_kubernetes_endpoint_node_name", json_string(addr, {"nodeName"}));
    t.set("__meta_kubernetes_endpoint_hostname", json_string(addr, {"hostname"}));
    pod_ports.attach(ref, number, &protocol, t);
    tg.targets.push_back(std::move(t));
  };
  if (const json& subsets = json_child(eps, "subsets"); subsets.is_array()) {
    for (const json& ss : subsets) {
      const json& ports = json_child(ss, "ports");
      if (!ports.is_array()) continue;
      for (const json& port : ports) {
        // An address listed as both ready and not ready yields two targets, as in Prometheus.
        for (auto [field, ready] : {std::pair{"addresses", "true"}, std::pair{"notReadyAddresses", "false"}}) {
          const json& addrs = json_child(ss, field);
          if (!addrs.is_array()) continue;
          for (const json& addr : addrs) add(addr, port, ready);
        }
      }
    }
  }
  pod_ports.add_uncovered(tg.targets);
  return tg;
}

TargetGroup endpointslice_target_group(const json& slice, const KubernetesObjects& services,
                                       const KubernetesObjects& pods) {
  TargetGroup tg;
  tg.source = kubernetes_source(KubernetesRole::kEndpointSlice, slice);
  const json& md = json_child(slice, "metadata");
  const std::string ns = json_string(md, {"namespace"});
  tg.labels.set("__meta_kubernetes_namespace", ns);
  tg.labels.set("__meta_kubernetes_endpointslice_address_type", json_string(slice, {"addressType"}));
  add_object_meta_labels(tg.labels, md, "endpointslice");
  // Every slice names its Service in this label.
  if (const json& svc = json_child(json_child(md, "labels"), "kubernetes.io/service-name"); svc.is_string()) {
    add_service_labels(ns, svc.get<std::string>(), services, tg.labels);
  }

  PodPorts pod_ports(pods);
  const json& endpoints = json_child(slice, "endpoints");
  const json& ports = json_child(slice, "ports");
  if (!endpoints.is_array() || !ports.is_array()) return tg;
  for (const json& ep : endpoints) {
    const json& addrs = json_child(ep, "addresses");
    if (!addrs.is_array()) continue;
    for (const json& port : ports) {
      const std::string number = json_string(port, {"port"});
      for (const json& addr : addrs) {
        const std::string a = addr.is_string() ? addr.get<std::string>() : "";
        model::LabelSet t;
        t.set("__address__", number.empty() ? a : join_host_port(a, number));
        t.set("__meta_kubernetes_endpointslice_port_name", json_string(port, {"name"}));
        t.set("__meta_kubernetes_endpointslice_port_protocol", json_string(port, {"protocol"}));
        t.set("__meta_kubernetes_endpointslice_port", number);
        t.set("__meta_kubernetes_endpointslice_port_app_protocol", json_string(port, {"appProtocol"}));
        const json& conditions = json_child(ep, "conditions");
        for (const char* c : {"ready", "serving", "terminating"}) {
          if (auto v = json_bool(conditions, c)) {
            t.set(std::string("__meta_kubernetes_endpointslice_endpoint_conditions_") + c, *v);
          }
        }
        t.set("__meta_kubernetes_endpointslice_endpoint_hostname", json_string(ep, {"hostname"}));
        const json& ref = json_child(ep, "targetRef");
        if (ref.is_object()) {
          t.set("__meta_kubernetes_endpointslice_address_target_kind", json_string(ref, {"kind"}));
          t.set("__meta_kubernetes_endpointslice_address_target_name", json_string(ref, {"name"}));
        }
        t.set("__meta_kubernetes_endpointslice_endpoint_node_name", json_string(ep, {"nodeName"}));
        t.set("__meta_kubernetes_endpointslice_endpoint_zone", json_string(ep, {"zone"}));
        if (const json& topo = json_child(ep, "deprecatedTopology"); topo.is_object()) {
          for (const auto& [k, v] : topo.items()) {
            const std::string clean = sanitize_label_name(k);
            t.set("__meta_kubernetes_endpointslice_endpoint_topology_" + clean, v.is_string() ? v.get<std::string>() : "");
            t.set("__meta_kubernetes_endpointslice_endpoint_topology_present_" + clean, "true");
          }
        }
        pod_ports.attach(ref, number, nullptr, t);
        tg.targets.push_back(std::move(t));
      }
    }
  }
  pod_ports.add_uncovered(tg.targets);
  return tg;
}

}  // namespace discovery
