// The target groups of the endpoints and endpointslice roles, as Prometheus's kubernetes SD builds
// them. Unlike the other roles, a group depends on more than its own object: the Service of the
// same name (endpoints) or named by the kubernetes.io/service-name label (endpointslice) adds its
// labels to the group, and an address whose targetRef is a known Pod gets that pod's labels.
//
// endpoints (core/v1 Endpoints): source "endpoints/<ns>/<name>"; group labels
//   __meta_kubernetes_namespace, _endpoints_name, _endpoints_label*/_labelpresent*,
//   _endpoints_annotation*/_annotationpresent*, and the service's labels (as service_labels()).
//   One target per subset port x address, ready addresses first (_endpoint_ready "true") then
//   notReadyAddresses ("false"); __address__ "<ip>:<port>", _endpoint_port_name,
//   _endpoint_port_protocol, _endpoint_hostname, _endpoint_node_name,
//   _endpoint_address_target_kind/_name.
// endpointslice (discovery.k8s.io/v1 EndpointSlice): source "endpointslice/<ns>/<name>"; group
//   labels __meta_kubernetes_namespace, _endpointslice_address_type, _endpointslice_name,
//   _endpointslice_label*/_labelpresent*, _endpointslice_annotation*/_annotationpresent*, and the
//   service's labels. One target per endpoint x port x address; __address__ "<addr>:<port>" (or
//   "<addr>" for a port without a number), _endpointslice_port, _port_name, _port_protocol,
//   _port_app_protocol, _endpoint_conditions_ready/_serving/_terminating, _endpoint_hostname,
//   _endpoint_node_name, _endpoint_zone, _endpoint_topology_<k>/_topology_present_<k>,
//   _address_target_kind/_name.
// Both: a target whose address belongs to a known Pod also gets pod_labels() and, for the
//   container port equal to the target's port, _pod_container_name, _image, _port_name,
//   _port_number, _port_protocol and _init; then every container port of those pods that no
//   address covered becomes a target of its own ("<pod ip>:<port>", pod and container labels).
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "discovery/target_group.h"

namespace discovery {

// Watched objects of one kind, by kubernetes_object_key() ("<namespace>/<name>").
using KubernetesObjects = std::map<std::string, nlohmann::json>;

TargetGroup endpoints_target_group(const nlohmann::json& endpoints, const KubernetesObjects& services,
                                   const KubernetesObjects& pods);
TargetGroup endpointslice_target_group(const nlohmann::json& slice, const KubernetesObjects& services,
                                       const KubernetesObjects& pods);

}  // namespace discovery
