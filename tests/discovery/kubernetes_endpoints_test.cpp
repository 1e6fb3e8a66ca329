// The endpoints and endpointslice roles: Endpoints/EndpointSlice JSON (with the services and pods
// they refer to) -> target groups, the cases of Prometheus's endpoints_test.go and
// endpointslice_test.go in our own words; and the config rules for their selectors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "discovery/kubernetes_endpoints.h"
#include "discovery/kubernetes_objects.h"
#include "logtail/config.h"

namespace {

using nlohmann::json;

// Prometheus's makeEndpoints(): a ready address with hostname and node, and an address that is
// both ready and not ready on another port.
json sample_endpoints() {
  return json::parse(R"({
    "metadata": {"name": "testendpoints", "namespace": "default"},
    "subsets": [
      {"addresses": [{"ip": "1.2.3.4", "hostname": "testendpoint1", "nodeName": "foobar"}],
       "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"}]},
      {"addresses": [{"ip": "2.3.4.5"}], "notReadyAddresses": [{"ip": "2.3.4.5"}],
       "ports": [{"name": "testport", "port": 9001, "protocol": "TCP"}]}]
  })");
}

// Prometheus's test pod: two containers with a port each, no phase, no Ready condition.
json sample_pod() {
  return json::parse(R"({
    "metadata": {"name": "testpod", "namespace": "default", "uid": "deadbeef"},
    "spec": {"nodeName": "testnode", "containers": [
      {"name": "c1", "image": "c1:latest", "ports": [{"name": "mainport", "containerPort": 9000, "protocol": "TCP"}]},
      {"name": "c2", "image": "c2:latest", "ports": [{"name": "sideport", "containerPort": 9001, "protocol": "TCP"}]}]},
    "status": {"hostIP": "2.3.4.5", "podIP": "1.2.3.4"}
  })");
}

discovery::KubernetesObjects by_key(std::initializer_list<json> objects) {
  discovery::KubernetesObjects out;
  for (const json& o : objects) out[discovery::kubernetes_object_key(o)] = o;
  return out;
}

std::vector<std::string> targets_of(const discovery::TargetGroup& g) {
  std::vector<std::string> out;
  for (const auto& t : g.targets) out.push_back(t.to_string());
  return out;
}

const char* kPodLabels =
    R"(__meta_kubernetes_pod_host_ip="2.3.4.5", __meta_kubernetes_pod_ip="1.2.3.4", )"
    R"(__meta_kubernetes_pod_name="testpod", __meta_kubernetes_pod_node_name="testnode", )"
    R"(__meta_kubernetes_pod_ready="unknown", __meta_kubernetes_pod_uid="deadbeef")";

}  // namespace

TEST_CASE("kubernetes endpoints: a target per port x address, not-ready addresses too") {
  auto g = discovery::endpoints_target_group(sample_endpoints(), {}, {});
  CHECK(g.source == "endpoints/default/testendpoints");
  CHECK(g.labels.to_string() ==
        R"({__meta_kubernetes_endpoints_name="testendpoints", __meta_kubernetes_namespace="default"})");
  CHECK(targets_of(g) ==
        std::vector<std::string>{
            R"({__address__="1.2.3.4:9000", __meta_kubernetes_endpoint_hostname="testendpoint1", )"
            R"(__meta_kubernetes_endpoint_node_name="foobar", __meta_kubernetes_endpoint_port_name="testport", )"
            R"(__meta_kubernetes_endpoint_port_protocol="TCP", __meta_kubernetes_endpoint_ready="true"})",
            R"({__address__="2.3.4.5:9001", __meta_kubernetes_endpoint_port_name="testport", )"
            R"(__meta_kubernetes_endpoint_port_protocol="TCP", __meta_kubernetes_endpoint_ready="true"})",
            R"({__address__="2.3.4.5:9001", __meta_kubernetes_endpoint_port_name="testport", )"
            R"(__meta_kubernetes_endpoint_port_protocol="TCP", __meta_kubernetes_endpoint_ready="false"})"});
}

TEST_CASE("kubernetes endpoints: the service of the same name adds its labels; endpoints labels and annotations") {
  json svc = json::parse(R"({"metadata": {"name": "testendpoints", "namespace": "default",
                                          "labels": {"app/name": "test"}}})");
  json other = json::parse(R"({"metadata": {"name": "testendpoints", "namespace": "other",
                                            "labels": {"wrong": "ns"}}})");
  json eps = sample_endpoints();
  eps["metadata"]["labels"] = {{"team", "a"}};
  eps["metadata"]["annotations"] = {{"x.io/y", "z"}};
  auto g = discovery::endpoints_target_group(eps, by_key({svc, other}), {});
  CHECK(g.labels.to_string() ==
        R"({__meta_kubernetes_endpoints_annotation_x_io_y="z", __meta_kubernetes_endpoints_annotationpresent_x_io_y="true", )"
        R"(__meta_kubernetes_endpoints_label_team="a", __meta_kubernetes_endpoints_labelpresent_team="true", )"
        R"(__meta_kubernetes_endpoints_name="testendpoints", __meta_kubernetes_namespace="default", )"
        R"(__meta_kubernetes_service_label_app_name="test", __meta_kubernetes_service_labelpresent_app_name="true", )"
        R"(__meta_kubernetes_service_name="testendpoints"})");
  CHECK(g.targets.size() == 3);
}

TEST_CASE("kubernetes endpoints: a pod's address gets the pod's labels; its other ports become targets") {
  json eps = json::parse(R"({
    "metadata": {"name": "testendpoints", "namespace": "default"},
    "subsets": [{"addresses": [{"ip": "4.3.2.1", "targetRef": {"kind": "Pod", "name": "testpod", "namespace": "default"}}],
                 "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"}]}]
  })");
  auto g = discovery::endpoints_target_group(eps, {}, by_key({sample_pod()}));
  CHECK(targets_of(g) ==
        std::vector<std::string>{
            std::string(R"({__address__="4.3.2.1:9000", __meta_kubernetes_endpoint_address_target_kind="Pod", )"
                        R"(__meta_kubernetes_endpoint_address_target_name="testpod", )"
                        R"(__meta_kubernetes_endpoint_port_name="testport", __meta_kubernetes_endpoint_port_protocol="TCP", )"
                        R"(__meta_kubernetes_endpoint_ready="true", __meta_kubernetes_pod_container_image="c1:latest", )"
                        R"(__meta_kubernetes_pod_container_init="false", __meta_kubernetes_pod_container_name="c1", )"
                        R"(__meta_kubernetes_pod_container_port_name="mainport", __meta_kubernetes_pod_container_port_number="9000", )"
                        R"(__meta_kubernetes_pod_container_port_protocol="TCP", )") +
                kPodLabels + "}",
            std::string(R"({__address__="1.2.3.4:9001", __meta_kubernetes_pod_container_image="c2:latest", )"
                        R"(__meta_kubernetes_pod_container_init="false", __meta_kubernetes_pod_container_name="c2", )"
                        R"(__meta_kubernetes_pod_container_port_name="sideport", __meta_kubernetes_pod_container_port_number="9001", )"
                        R"(__meta_kubernetes_pod_container_port_protocol="TCP", )") +
                kPodLabels + "}"});

  // A targetRef to a pod we do not know (or not a pod) adds nothing.
  auto unknown = discovery::endpoints_target_group(eps, {}, {});
  REQUIRE(unknown.targets.size() == 1);
  CHECK_FALSE(unknown.targets[0].has("__meta_kubernetes_pod_name"));
  CHECK(unknown.targets[0].get("__meta_kubernetes_endpoint_address_target_name") == "testpod");
}

TEST_CASE("kubernetes endpointslice: labels of a v1 slice, conditions and topology only when set") {
  json slice = json::parse(R"({
    "metadata": {"name": "testendpoints", "namespace": "default",
                 "labels": {"kubernetes.io/service-name": "testendpoints"}},
    "addressType": "IPv4",
    "ports": [{"name": "testport", "port": 9000, "protocol": "TCP", "appProtocol": "http"}],
    "endpoints": [
      {"addresses": ["1.2.3.4"], "conditions": {"ready": true}, "hostname": "testendpoint1", "targetRef": {},
       "nodeName": "foobar", "deprecatedTopology": {"topology": "value"}},
      {"addresses": ["2.3.4.5"], "conditions": {"ready": true, "serving": true, "terminating": false}, "zone": "us-1a"},
      {"addresses": ["3.4.5.6"], "conditions": {"ready": false}}]
  })");
  auto g = discovery::endpointslice_target_group(slice, {}, {});
  CHECK(g.source == "endpointslice/default/testendpoints");
  CHECK(g.labels.to_string() ==
        R"({__meta_kubernetes_endpointslice_address_type="IPv4", )"
        R"(__meta_kubernetes_endpointslice_label_kubernetes_io_service_name="testendpoints", )"
        R"(__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name="true", )"
        R"(__meta_kubernetes_endpointslice_name="testendpoints", __meta_kubernetes_namespace="default"})");
  const std::string port_labels =
      R"(__meta_kubernetes_endpointslice_port="9000", __meta_kubernetes_endpointslice_port_app_protocol="http", )"
      R"(__meta_kubernetes_endpointslice_port_name="testport", __meta_kubernetes_endpointslice_port_protocol="TCP")";
  CHECK(targets_of(g) ==
        std::vector<std::string>{
            R"({__address__="1.2.3.4:9000", __meta_kubernetes_endpointslice_endpoint_conditions_ready="true", )"
            R"(__meta_kubernetes_endpointslice_endpoint_hostname="testendpoint1", )"
            R"(__meta_kubernetes_endpointslice_endpoint_node_name="foobar", )"
            R"(__meta_kubernetes_endpointslice_endpoint_topology_present_topology="true", )"
            R"(__meta_kubernetes_endpointslice_endpoint_topology_topology="value", )" +
                port_labels + "}",
            R"({__address__="2.3.4.5:9000", __meta_kubernetes_endpointslice_endpoint_conditions_ready="true", )"
            R"(__meta_kubernetes_endpointslice_endpoint_conditions_serving="true", )"
            R"(__meta_kubernetes_endpointslice_endpoint_conditions_terminating="false", )"
            R"(__meta_kubernetes_endpointslice_endpoint_zone="us-1a", )" +
                port_labels + "}",
            R"({__address__="3.4.5.6:9000", __meta_kubernetes_endpointslice_endpoint_conditions_ready="false", )" +
                port_labels + "}"});

  // The service named by kubernetes.io/service-name adds its labels.
  json svc = json::parse(R"({"metadata": {"name": "testendpoints", "namespace": "default", "labels": {"app": "web"}}})");
  auto with_svc = discovery::endpointslice_target_group(slice, by_key({svc}), {});
  CHECK(with_svc.labels.get("__meta_kubernetes_service_name") == "testendpoints");
  CHECK(with_svc.labels.get("__meta_kubernetes_service_label_app") == "web");
}

TEST_CASE("kubernetes endpointslice: pod labels, the container's own port protocol, uncovered ports, no port number") {
  json slice = json::parse(R"({
    "metadata": {"name": "testendpoints", "namespace": "default"},
    "addressType": "IPv4",
    "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"}],
    "endpoints": [{"addresses": ["4.3.2.1"], "conditions": {"ready": false},
                   "targetRef": {"kind": "Pod", "name": "testpod", "namespace": "default"}}]
  })");
  json pod = sample_pod();
  pod["spec"]["initContainers"] = json::parse(
      R"([{"name": "init", "image": "i:1", "ports": [{"name": "initport", "containerPort": 9002, "protocol": "UDP"}]}])");
  auto g = discovery::endpointslice_target_group(slice, {}, by_key({pod}));
  REQUIRE(g.targets.size() == 3);
  CHECK(g.targets[0].get("__address__") == "4.3.2.1:9000");
  CHECK(g.targets[0].get("__meta_kubernetes_endpointslice_endpoint_conditions_ready") == "false");
  CHECK(g.targets[0].get("__meta_kubernetes_pod_container_name") == "c1");
  CHECK(g.targets[0].get("__meta_kubernetes_pod_uid") == "deadbeef");
  CHECK(g.targets[1].get("__address__") == "1.2.3.4:9001");
  CHECK(g.targets[1].get("__meta_kubernetes_pod_container_name") == "c2");
  CHECK(g.targets[2].to_string() ==
        std::string(R"({__address__="1.2.3.4:9002", __meta_kubernetes_pod_container_image="i:1", )"
                    R"(__meta_kubernetes_pod_container_init="true", __meta_kubernetes_pod_container_name="init", )"
                    R"(__meta_kubernetes_pod_container_port_name="initport", __meta_kubernetes_pod_container_port_number="9002", )"
                    R"(__meta_kubernetes_pod_container_port_protocol="UDP", )") +
            kPodLabels + "}");

  // A port without a number: the bare address, and no container port matches it.
  slice["ports"] = json::parse(R"([{"name": "any", "protocol": "TCP"}])");
  auto bare = discovery::endpointslice_target_group(slice, {}, by_key({pod}));
  REQUIRE(bare.targets.size() == 4);  // the address, then all three container ports
  CHECK(bare.targets[0].get("__address__") == "4.3.2.1");
  CHECK_FALSE(bare.targets[0].has("__meta_kubernetes_endpointslice_port"));
  CHECK_FALSE(bare.targets[0].has("__meta_kubernetes_pod_container_name"));
  CHECK(bare.targets[1].get("__address__") == "1.2.3.4:9000");
}

TEST_CASE("kubernetes endpoints roles: config accepts them and their pod and service selectors") {
  auto parse = [](const std::string& role, const std::string& selectors) {
    return logtail::parse_config("scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs:\n      - role: " + role +
                                 "\n        api_server: http://127.0.0.1:1\n        selectors: " + selectors + "\n");
  };
  for (std::string role : {"endpoints", "endpointslice"}) {
    auto ok = parse(role, "[{role: " + role + ", label: a=b}, {role: pod, field: spec.nodeName=n}, {role: service, label: c}]");
    REQUIRE_MESSAGE(ok.ok(), ok.error());
    auto bad = parse(role, "[{role: node, field: a=b}]");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == "scrape_configs[0].kubernetes_sd_configs[0].selectors[0].role: " + role +
                             " role supports only pod, service, " + role + " selectors");
  }
  auto cross = parse("endpoints", "[{role: endpointslice, label: a=b}]");
  REQUIRE_FALSE(cross.ok());
  CHECK(cross.error().find("endpoints role supports only pod, service, endpoints selectors") != std::string::npos);
  auto service = parse("service", "[{role: pod, label: a=b}]");
  REQUIRE_FALSE(service.ok());
  CHECK(service.error().find("service role supports only service selectors") != std::string::npos);
  auto ingress = parse("ingress", "[]");
  REQUIRE_FALSE(ingress.ok());
  CHECK(ingress.error().find("role: not supported yet: \"ingress\"") != std::string::npos);
}
