// promtail.yaml: kubernetes_sd_configs and file_sd_configs parse strictly.
#include <doctest/doctest.h>

#include "logtail/config.h"

namespace {

std::string error_of(const std::string& yaml) {
  auto c = logtail::parse_config(yaml);
  return c.ok() ? "" : c.error();
}

}  // namespace

TEST_CASE("sd config: kubernetes_sd_configs with namespaces and selectors") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: kubernetes-pods
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [default, shop]
        selectors:
          - role: pod
            field: spec.nodeName=node-1
            label: app=web
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  const auto& k = c->scrape_configs[0].kubernetes_sd_configs.at(0);
  CHECK(k.role == discovery::KubernetesRole::kPod);
  CHECK(k.namespaces.names == std::vector<std::string>{"default", "shop"});
  REQUIRE(k.selectors.size() == 1);
  CHECK(k.selectors[0].field == "spec.nodeName=node-1");
  CHECK(k.selectors[0].label == "app=web");
}

TEST_CASE("sd config: errors name the key") {
  const std::string head = "scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs:\n      - ";
  CHECK(error_of(head + "role: pod\n        namespace: [x]\n") ==
        R"(scrape_configs[0].kubernetes_sd_configs[0]: unknown field "namespace")");
  CHECK(error_of(head + "role: pods\n") == R"(scrape_configs[0].kubernetes_sd_configs[0].role: unknown Kubernetes SD role "pods")");
  CHECK(error_of(head + "api_server: http://x\n") ==
        "scrape_configs[0].kubernetes_sd_configs[0].role: role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
  CHECK(error_of(head + "role: ingress\n").find("not supported yet") != std::string::npos);
  CHECK(error_of(head + "role: pod\n        api_server: http://x\n        kubeconfig_file: /k\n") ==
        "scrape_configs[0].kubernetes_sd_configs[0]: cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  CHECK(error_of(head + "role: pod\n        selectors: [{role: node, field: a=b}]\n") ==
        "scrape_configs[0].kubernetes_sd_configs[0].selectors[0].role: pod role supports only pod selectors");
  CHECK(error_of(head + "role: pod\n        bearer_token: x\n") ==
        "scrape_configs[0].kubernetes_sd_configs[0]: to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  CHECK(error_of("scrape_configs:\n  - job_name: f\n    file_sd_configs:\n      - files: [/etc/*/x.json]\n")
            .find("scrape_configs[0].file_sd_configs[0].files: path name \"/etc/*/x.json\" is not valid") == 0);
  CHECK(error_of("scrape_configs:\n  - job_name: d\n    docker_sd_configs:\n      - host: unix:///var/run/docker.sock\n")
            .find("scrape_configs[0].docker_sd_configs: not supported yet") == 0);
}

TEST_CASE("sd config: -print-config-stderr shows kubernetes_sd_configs") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: k
    kubernetes_sd_configs:
      - role: pod
        api_server: https://k8s:6443
        bearer_token: hunter2
        namespaces: {names: [a]}
        selectors: [{role: pod, field: spec.nodeName=n1}]
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  std::string out = logtail::print_config(*c);
  CHECK(out.find("kubernetes_sd_configs:") != std::string::npos);
  CHECK(out.find("api_server: https://k8s:6443") != std::string::npos);
  CHECK(out.find("field: spec.nodeName=n1") != std::string::npos);
  CHECK(out.find("bearer_token: <secret>") != std::string::npos);
  CHECK(out.find("hunter2") == std::string::npos);
}
