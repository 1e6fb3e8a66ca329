// Kubernetes API objects (as JSON) -> target groups with Prometheus's __meta_kubernetes_* labels,
// exactly as Prometheus's kubernetes SD builds them for the roles it defines:
//
// pod: source "pod/<ns>/<name>"; group labels __meta_kubernetes_namespace, _pod_name, _pod_ip,
//   _pod_label_<l>, _pod_labelpresent_<l>, _pod_annotation_<a>, _pod_annotationpresent_<a>,
//   _pod_ready (true/false/unknown), _pod_phase, _pod_node_name, _pod_host_ip, _pod_uid,
//   _pod_controller_kind, _pod_controller_name; one target per container port (__address__
//   "<ip>:<port>", _pod_container_port_name/_number/_protocol), or one per container without
//   ports (__address__ "<ip>"); every target has _pod_container_name, _pod_container_id,
//   _pod_container_image and _pod_container_init; init containers count too. A pod without an
//   IP yet yields an empty group (no targets), as in Prometheus.
// node: source "node/<name>"; one target, __address__ "<addr>:<kubelet port>" (address
//   preference InternalIP, InternalDNS, ExternalIP, ExternalDNS, LegacyHostIP, Hostname),
//   instance=<name>, __meta_kubernetes_node_name, _node_provider_id, _node_label_*,
//   _node_labelpresent_*, _node_annotation_*, _node_annotationpresent_*, _node_address_<type>.
// service: source "svc/<ns>/<name>"; one target per port, __address__
//   "<name>.<ns>.svc:<port>", _service_port_name/_number/_protocol; group labels namespace,
//   _service_name, _service_label*, _service_annotation*, _service_type,
//   _service_cluster_ip (not for ExternalName), _service_external_name,
//   _service_loadbalancer_ip.
// Label and annotation names are sanitized (every character outside [a-zA-Z0-9_] becomes `_`).
//
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "discovery/target_group.h"

namespace discovery {

enum class KubernetesRole { kPod, kNode, kService, kEndpoints, kEndpointSlice, kIngress };

// "pod", "node", ... -> role; false for an unknown name.
bool parse_kubernetes_role(std::string_view name, KubernetesRole& role);
std::string_view kubernetes_role_name(KubernetesRole role);

// Prometheus's strutil.SanitizeLabelName.
std::string sanitize_label_name(std::string_view name);

// The group of one object of `role` (pod, node or service). `object` is the API's JSON.
TargetGroup pod_target_group(const nlohmann::json& pod);
TargetGroup node_target_group(const nlohmann::json& node);
TargetGroup service_target_group(const nlohmann::json& service);
TargetGroup target_group_for(KubernetesRole role, const nlohmann::json& object);

// Prometheus's podLabels: a pod's labels shared by all its targets (the pod role's group labels
// but __meta_kubernetes_namespace); the endpoints roles put them on the pod's targets.
model::LabelSet pod_labels(const nlohmann::json& pod);
// Prometheus's serviceLabels: __meta_kubernetes_namespace, _service_name, _service_label*,
// _service_annotation* (the service role's group labels).
model::LabelSet service_labels(const nlohmann::json& service);

// "<namespace>/<name>" of an object ("/<name>" for a node): its key in a store.
std::string kubernetes_object_key(const nlohmann::json& object);

// Helpers for the builders of the other roles (kubernetes_endpoints.cpp).
// The string (or integer, as decimal) at object[k1][k2]...; "" when absent.
std::string json_string(const nlohmann::json& object, std::initializer_list<const char*> keys);
// object[key], or a null value when absent.
const nlohmann::json& json_child(const nlohmann::json& object, const char* key);
// Go's net.JoinHostPort: an IPv6 host in brackets.
std::string join_host_port(const std::string& host, const std::string& port);
// Prometheus's addObjectMetaLabels: __meta_kubernetes_<role>_name, _<role>_label_*,
// _<role>_labelpresent_*, _<role>_annotation_*, _<role>_annotationpresent_*.
void add_object_meta_labels(model::LabelSet& labels, const nlohmann::json& metadata, std::string_view role);

// The source a deleted object's group had (so its targets can be removed): "pod/<ns>/<name>"...
std::string kubernetes_source(KubernetesRole role, const nlohmann::json& object);

}  // namespace discovery
