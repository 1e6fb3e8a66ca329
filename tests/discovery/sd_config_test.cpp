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
  CHECK(error_of("scrape_configs:\n  - job_name: d\n    consul_sd_configs:\n      - server: localhost:8500\n")
            .find("scrape_configs[0].consul_sd_configs: not supported yet") == 0);
}

TEST_CASE("sd config: docker_sd_configs with Promtail's keys and defaults") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: docker
    docker_sd_configs:
      - host: unix:///var/run/docker.sock
      - host: tcp://127.0.0.1:2375
        port: 9000
        host_networking_host: node-1
        refresh_interval: 5s
        match_first_network: false
        filters:
          - name: label
            values: [logging=promtail]
          - name: status
            values: [running]
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  const auto& d = c->scrape_configs[0].docker_sd_configs;
  REQUIRE(d.size() == 2);
  CHECK(d[0].host == "unix:///var/run/docker.sock");
  CHECK(d[0].port == 80);
  CHECK(d[0].host_networking_host == "localhost");
  CHECK(d[0].refresh_interval_ns == 60'000'000'000);
  CHECK(d[0].match_first_network);
  CHECK(d[1].port == 9000);
  CHECK(d[1].host_networking_host == "node-1");
  CHECK(d[1].refresh_interval_ns == 5'000'000'000);
  CHECK_FALSE(d[1].match_first_network);
  CHECK(d[1].filters.at("label") == std::vector<std::string>{"logging=promtail"});
  CHECK(d[1].filters.at("status") == std::vector<std::string>{"running"});
  std::string printed = logtail::print_config(*c);
  CHECK(printed.find("docker_sd_configs:") != std::string::npos);
  CHECK(printed.find("host_networking_host: node-1") != std::string::npos);
}

TEST_CASE("sd config: docker_sd_configs errors name the key") {
  const std::string head = "scrape_configs:\n  - job_name: d\n    docker_sd_configs:\n      - ";
  CHECK(error_of(head + "port: 80\n") ==
        "scrape_configs[0].docker_sd_configs[0].host: host missing (e.g. unix:///var/run/docker.sock)");
  CHECK(error_of(head + "host: ssh://me@box\n") ==
        "scrape_configs[0].docker_sd_configs[0].host: unsupported Docker host \"ssh://me@box\" (unix://, tcp://, "
        "http:// or https://)");
  CHECK(error_of(head + "host: unix://relative.sock\n").find("docker_sd_configs[0].host: a unix socket needs") !=
        std::string::npos);
  CHECK(error_of(head + "host: unix:///d.sock\n        hots: x\n") ==
        R"(scrape_configs[0].docker_sd_configs[0]: unknown field "hots")");
  CHECK(error_of(head + "host: unix:///d.sock\n        oauth2: {client_id: x}\n") ==
        "scrape_configs[0].docker_sd_configs[0].oauth2: not supported yet");
  CHECK(error_of(head + "host: unix:///d.sock\n        bearer_token: x\n")
            .find("scrape_configs[0].docker_sd_configs[0]: HTTP client settings") == 0);
  CHECK(error_of(head + "host: unix:///d.sock\n        filters: [{values: [a]}]\n") ==
        "scrape_configs[0].docker_sd_configs[0].filters[0].name: must be set");
  CHECK(error_of(head + "host: unix:///d.sock\n        refresh_interval: 0s\n") ==
        "scrape_configs[0].docker_sd_configs[0].refresh_interval: must be positive");
  CHECK(error_of(head + "host: https://d:2376\n        tls_config: {ca_file: /ca.pem, cert_file: /c.pem}\n") ==
        "scrape_configs[0].docker_sd_configs[0].tls_config: cert_file and key_file must be configured together");
  CHECK(error_of(head + "host: https://d:2376\n        bearer_token: t\n        tls_config: {insecure_skip_verify: true}\n") ==
        "");
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
