// Kubernetes objects -> __meta_kubernetes_* labels, as Prometheus's kubernetes SD documents them,
// and the talk's relabeling over a pod's targets.
#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "discovery/kubernetes_objects.h"
#include "logtail/config.h"
#include "logtail/targets.h"

namespace {

using nlohmann::json;

json sample_pod() {
  return json::parse(R"({
    "metadata": {"name": "web-7d4b9", "namespace": "shop", "uid": "8f2c-11",
      "labels": {"app": "web", "app.kubernetes.io/name": "frontend"},
      "annotations": {"prometheus.io/scrape": "true"},
      "ownerReferences": [{"kind": "ReplicaSet", "name": "web-7d4b", "controller": true}]},
    "spec": {"nodeName": "node-1",
      "containers": [
        {"name": "nginx", "image": "nginx:1.25", "ports": [
          {"name": "http", "containerPort": 80, "protocol": "TCP"},
          {"name": "metrics", "containerPort": 9113, "protocol": "TCP"}]},
        {"name": "sidecar", "image": "busybox"}],
      "initContainers": [{"name": "init-db", "image": "busybox"}]},
    "status": {"phase": "Running", "podIP": "10.1.2.3", "hostIP": "192.168.0.10",
      "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
      "containerStatuses": [{"name": "nginx", "containerID": "containerd://abc"},
                            {"name": "sidecar", "containerID": "containerd://def"}],
      "initContainerStatuses": [{"name": "init-db", "containerID": "containerd://000"}]}
  })");
}

}  // namespace

TEST_CASE("kubernetes pod: group labels as Prometheus sets them") {
  auto g = discovery::pod_target_group(sample_pod());
  CHECK(g.source == "pod/shop/web-7d4b9");
  CHECK(g.labels.to_string() ==
        R"({__meta_kubernetes_namespace="shop", )"
        R"(__meta_kubernetes_pod_annotation_prometheus_io_scrape="true", )"
        R"(__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape="true", )"
        R"(__meta_kubernetes_pod_controller_kind="ReplicaSet", __meta_kubernetes_pod_controller_name="web-7d4b", )"
        R"(__meta_kubernetes_pod_host_ip="192.168.0.10", __meta_kubernetes_pod_ip="10.1.2.3", )"
        R"(__meta_kubernetes_pod_label_app="web", __meta_kubernetes_pod_label_app_kubernetes_io_name="frontend", )"
        R"(__meta_kubernetes_pod_labelpresent_app="true", __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name="true", )"
        R"(__meta_kubernetes_pod_name="web-7d4b9", __meta_kubernetes_pod_node_name="node-1", )"
        R"(__meta_kubernetes_pod_phase="Running", __meta_kubernetes_pod_ready="true", )"
        R"(__meta_kubernetes_pod_uid="8f2c-11"})");
}

TEST_CASE("kubernetes pod: one target per container port, one per portless container, init containers too") {
  auto g = discovery::pod_target_group(sample_pod());
  REQUIRE(g.targets.size() == 4);
  CHECK(g.targets[0].to_string() ==
        R"({__address__="10.1.2.3:80", __meta_kubernetes_pod_container_id="containerd://abc", )"
        R"(__meta_kubernetes_pod_container_image="nginx:1.25", __meta_kubernetes_pod_container_init="false", )"
        R"(__meta_kubernetes_pod_container_name="nginx", __meta_kubernetes_pod_container_port_name="http", )"
        R"(__meta_kubernetes_pod_container_port_number="80", __meta_kubernetes_pod_container_port_protocol="TCP"})");
  CHECK(g.targets[1].get("__address__") == "10.1.2.3:9113");
  CHECK(g.targets[1].get("__meta_kubernetes_pod_container_port_name") == "metrics");
  CHECK(g.targets[2].to_string() ==
        R"({__address__="10.1.2.3", __meta_kubernetes_pod_container_id="containerd://def", )"
        R"(__meta_kubernetes_pod_container_image="busybox", __meta_kubernetes_pod_container_init="false", )"
        R"(__meta_kubernetes_pod_container_name="sidecar"})");
  CHECK(g.targets[3].get("__meta_kubernetes_pod_container_name") == "init-db");
  CHECK(g.targets[3].get("__meta_kubernetes_pod_container_init") == "true");
  CHECK(g.targets[3].get("__meta_kubernetes_pod_container_id") == "containerd://000");
}

TEST_CASE("kubernetes pod: no IP yet means no targets; readiness defaults to unknown; IPv6 in brackets") {
  json pod = sample_pod();
  pod["status"].erase("podIP");
  auto g = discovery::pod_target_group(pod);
  CHECK(g.source == "pod/shop/web-7d4b9");
  CHECK(g.targets.empty());
  CHECK(g.labels.empty());

  pod = sample_pod();
  pod["status"]["podIP"] = "fd00::5";
  pod["status"].erase("conditions");
  g = discovery::pod_target_group(pod);
  CHECK(g.labels.get("__meta_kubernetes_pod_ready") == "unknown");
  CHECK(g.targets[0].get("__address__") == "[fd00::5]:80");
}

TEST_CASE("kubernetes node and service roles") {
  auto node = discovery::node_target_group(json::parse(R"({
    "metadata": {"name": "node-1", "labels": {"kubernetes.io/os": "linux"}},
    "spec": {"providerID": "aws:///eu-west-1a/i-123"},
    "status": {"addresses": [{"type": "Hostname", "address": "node-1"}, {"type": "InternalIP", "address": "10.0.0.7"}],
               "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}})"));
  CHECK(node.source == "node/node-1");
  CHECK(node.labels.to_string() ==
        R"({__meta_kubernetes_node_label_kubernetes_io_os="linux", __meta_kubernetes_node_labelpresent_kubernetes_io_os="true", )"
        R"(__meta_kubernetes_node_name="node-1", __meta_kubernetes_node_provider_id="aws:///eu-west-1a/i-123"})");
  REQUIRE(node.targets.size() == 1);
  CHECK(node.targets[0].to_string() ==
        R"({__address__="10.0.0.7:10250", __meta_kubernetes_node_address_Hostname="node-1", )"
        R"(__meta_kubernetes_node_address_InternalIP="10.0.0.7", instance="node-1"})");

  auto svc = discovery::service_target_group(json::parse(R"({
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.12", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}})"));
  CHECK(svc.source == "svc/shop/web");
  CHECK(svc.labels.get("__meta_kubernetes_service_name") == "web");
  CHECK(svc.labels.get("__meta_kubernetes_service_label_app") == "web");
  REQUIRE(svc.targets.size() == 1);
  CHECK(svc.targets[0].to_string() ==
        R"({__address__="web.shop.svc:8080", __meta_kubernetes_service_cluster_ip="10.96.0.12", )"
        R"(__meta_kubernetes_service_port_name="http", __meta_kubernetes_service_port_number="8080", )"
        R"(__meta_kubernetes_service_port_protocol="TCP", __meta_kubernetes_service_type="ClusterIP"})");
}

TEST_CASE("kubernetes pod: the talk's relabeling gives app, hostname and the pod's log path") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: kubernetes-pods
    kubernetes_sd_configs:
      - role: pod
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_app]
        target_label: app
      - source_labels: [__meta_kubernetes_pod_node_name]
        target_label: hostname
      - source_labels: [__meta_kubernetes_pod_uid, __meta_kubernetes_pod_container_name]
        separator: /
        regex: (.*)
        replacement: /var/log/pods/*$1/*.log
        target_label: __path__
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  auto t = logtail::build_targets_from_groups(c->scrape_configs[0], {discovery::pod_target_group(sample_pod())}, "node-1");
  REQUIRE(t.active.size() == 4);
  CHECK(t.active[0].to_string() == R"({__path__="/var/log/pods/*8f2c-11/nginx/*.log", app="web", hostname="node-1"})");
  CHECK(t.active[2].get("__path__") == "/var/log/pods/*8f2c-11/sidecar/*.log");
}

TEST_CASE("kubernetes pod: docs/kubernetes.md's DaemonSet config, with -config.expand-env") {
  std::string doc;
  {
    std::FILE* f = std::fopen("docs/kubernetes.md", "r");
    REQUIRE(f != nullptr);
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) doc.append(buf, n);
    std::fclose(f);
  }
  size_t start = doc.find("```yaml\nserver:");
  REQUIRE(start != std::string::npos);
  start += 8;
  std::string yaml = doc.substr(start, doc.find("```", start) - start);
  logtail::ParseOptions options;
  options.expand_env = true;
  options.env_lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOSTNAME") return "node-1";
    return std::nullopt;
  };
  auto c = logtail::parse_config(yaml, options);
  REQUIRE_MESSAGE(c.ok(), c.error());
  auto pod = sample_pod();
  auto t = logtail::build_targets_from_groups(c->scrape_configs[0], {discovery::pod_target_group(pod)}, "node-1");
  REQUIRE(t.active.size() == 4);
  CHECK(t.active[0].to_string() ==
        R"({__path__="/var/log/pods/*8f2c-11/nginx/*.log", app="web", container="nginx", hostname="node-1", )"
        R"(job="shop/web", namespace="shop", pod="web-7d4b9"})");
  pod["spec"]["nodeName"] = "node-2";  // another node's pod: kept out
  t = logtail::build_targets_from_groups(c->scrape_configs[0], {discovery::pod_target_group(pod)}, "node-1");
  CHECK(t.active.empty());
}
