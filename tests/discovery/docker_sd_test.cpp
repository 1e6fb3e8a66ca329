// Docker discovery: the Engine API's JSON into Prometheus's __meta_docker_* targets, the host
// forms, and the container list filters; DockerSource's per-stream relabeling.
#include <doctest/doctest.h>

#include "discovery/docker_sd.h"
#include "relabel/relabel_rule.h"
#include "sources/docker_source.h"

namespace {

// Shaped as GET /containers/json answers (fields logtail does not read left out).
constexpr char kContainers[] = R"([
  {"Id": "aaa111", "Names": ["/web-1"], "HostConfig": {"NetworkMode": "bridge"},
   "Labels": {"com.docker.compose.service": "web", "logging": "on"},
   "Ports": [{"IP": "0.0.0.0", "PrivatePort": 8080, "PublicPort": 32768, "Type": "tcp"},
             {"PrivatePort": 53, "Type": "udp"}],
   "NetworkSettings": {"Networks": {"bridge": {"NetworkID": "net-b", "IPAddress": "172.17.0.2"}}}},
  {"Id": "bbb222", "Names": ["/worker"], "HostConfig": {"NetworkMode": "host"}, "Labels": {},
   "Ports": [], "NetworkSettings": {"Networks": {"host": {"NetworkID": "net-h", "IPAddress": ""}}}},
  {"Id": "ccc333", "Names": ["/sidecar"], "HostConfig": {"NetworkMode": "container:aaa111"},
   "Labels": null, "Ports": [], "NetworkSettings": {"Networks": {}}},
  {"Id": "ddd444", "Names": ["/multi"], "HostConfig": {"NetworkMode": "zeta"}, "Ports": [],
   "NetworkSettings": {"Networks": {"zeta": {"NetworkID": "net-z", "IPAddress": "10.0.9.9"},
                                     "alpha": {"NetworkID": "net-a", "IPAddress": "10.0.1.1"}}}},
  {"Id": "eee555", "Names": [], "HostConfig": {"NetworkMode": "bridge"}}
])";

constexpr char kNetworks[] = R"([
  {"Id": "net-b", "Name": "bridge", "Scope": "local", "Internal": false, "Ingress": false,
   "Labels": {"com.example.tier": "front"}},
  {"Id": "net-h", "Name": "host", "Scope": "local"},
  {"Id": "net-a", "Name": "alpha", "Scope": "swarm", "Internal": true}
])";

discovery::TargetGroup group(const discovery::DockerSdConfig& config = {}) {
  auto containers = discovery::parse_docker_containers(kContainers);
  auto networks = discovery::parse_docker_networks(kNetworks);
  REQUIRE_MESSAGE(containers.ok(), containers.error());
  REQUIRE_MESSAGE(networks.ok(), networks.error());
  return discovery::docker_target_group(*containers, *networks, config);
}

}  // namespace

TEST_CASE("docker sd: a target per container, network and TCP port with Prometheus's labels") {
  auto g = group();
  CHECK(g.source == "Docker");
  REQUIRE(g.targets.size() == 4);  // web-1 (tcp 8080 only), worker, sidecar, multi; none without a name
  CHECK(g.targets[0] == model::LabelSet{
                            {"__address__", "172.17.0.2:8080"},
                            {"__meta_docker_container_id", "aaa111"},
                            {"__meta_docker_container_label_com_docker_compose_service", "web"},
                            {"__meta_docker_container_label_logging", "on"},
                            {"__meta_docker_container_name", "/web-1"},
                            {"__meta_docker_container_network_mode", "bridge"},
                            {"__meta_docker_network_id", "net-b"},
                            {"__meta_docker_network_ingress", "false"},
                            {"__meta_docker_network_internal", "false"},
                            {"__meta_docker_network_ip", "172.17.0.2"},
                            {"__meta_docker_network_label_com_example_tier", "front"},
                            {"__meta_docker_network_name", "bridge"},
                            {"__meta_docker_network_scope", "local"},
                            {"__meta_docker_port_private", "8080"},
                            {"__meta_docker_port_public", "32768"},
                            {"__meta_docker_port_public_ip", "0.0.0.0"},
                        });
  // Host networking: no ports, reached at host_networking_host.
  CHECK(g.targets[1].get("__address__") == "localhost");
  CHECK(g.targets[1].get("__meta_docker_container_name") == "/worker");
  CHECK(g.targets[1].get("__meta_docker_network_name") == "host");
  CHECK_FALSE(g.targets[1].has("__meta_docker_port_private"));
  // Sharing web-1's network stack: its networks, with the fallback port.
  CHECK(g.targets[2].get("__meta_docker_container_id") == "ccc333");
  CHECK(g.targets[2].get("__address__") == "172.17.0.2:80");
  CHECK(g.targets[2].get("__meta_docker_container_network_mode") == "container:aaa111");
  // match_first_network: the first network by name only.
  CHECK(g.targets[3].get("__address__") == "10.0.1.1:80");
  CHECK(g.targets[3].get("__meta_docker_network_internal") == "true");
}

TEST_CASE("docker sd: port, host_networking_host and every network") {
  discovery::DockerSdConfig c;
  c.port = 9100;
  c.host_networking_host = "node-7";
  c.match_first_network = false;
  auto g = group(c);
  REQUIRE(g.targets.size() == 5);
  CHECK(g.targets[1].get("__address__") == "node-7");
  CHECK(g.targets[2].get("__address__") == "172.17.0.2:9100");
  CHECK(g.targets[3].get("__address__") == "10.0.1.1:9100");
  CHECK(g.targets[4].get("__address__") == "10.0.9.9:9100");
  CHECK_FALSE(g.targets[4].has("__meta_docker_network_name"));  // net-z is not in /networks
}

TEST_CASE("docker sd: hosts, filters and malformed answers") {
  auto unix_host = discovery::parse_docker_host("unix:///var/run/docker.sock");
  REQUIRE(unix_host.ok());
  CHECK(unix_host->unix_socket_path == "/var/run/docker.sock");
  CHECK(discovery::docker_request(*unix_host, "/containers/json").url == "http://localhost/containers/json");
  CHECK(discovery::parse_docker_host("tcp://10.0.0.1:2375")->base_url == "http://10.0.0.1:2375");
  CHECK(discovery::parse_docker_host("https://docker.example:2376/")->base_url == "https://docker.example:2376");
  CHECK_FALSE(discovery::parse_docker_host("npipe:////./pipe/docker_engine").ok());
  CHECK_FALSE(discovery::parse_docker_host("tcp://host:2375/path").ok());

  CHECK(discovery::docker_filters_query({}) == "");
  CHECK(discovery::docker_filters_query({{"label", {"a=b"}}, {"status", {"running"}}}) ==
        "%7B%22label%22%3A%5B%22a%3Db%22%5D%2C%22status%22%3A%5B%22running%22%5D%7D");

  CHECK_FALSE(discovery::parse_docker_containers("{}").ok());
  CHECK_FALSE(discovery::parse_docker_containers("not json").ok());
  CHECK(discovery::parse_docker_container_tty(R"({"Config": {"Tty": true}})").value());
  CHECK_FALSE(discovery::parse_docker_container_tty(R"({"Config": {"Tty": false}})").value());
  CHECK_FALSE(discovery::parse_docker_container_tty("[]").ok());
}

TEST_CASE("docker source: each stream relabeled with __meta_docker_container_log_stream") {
  auto rule = [](std::vector<std::string> sources, std::string regex, std::string target, relabel::Action action) {
    relabel::RelabelConfig c;
    c.source_labels = std::move(sources);
    c.regex = std::move(regex);
    c.target_label = std::move(target);
    c.action = action;
    auto r = relabel::RelabelRule::compile(c);
    REQUIRE_MESSAGE(r.ok(), r.error());
    return *r;
  };
  auto container = rule({"__meta_docker_container_name"}, "/(.*)", "container", relabel::Action::kReplace);
  auto stream = rule({"__meta_docker_container_log_stream"}, "(.*)", "stream", relabel::Action::kReplace);
  auto drop_stderr = rule({"__meta_docker_container_log_stream", "__meta_docker_container_name"}, "stderr;/web-1", "",
                          relabel::Action::kDrop);
  std::vector<relabel::RelabelRule> rules{container, stream, drop_stderr};

  auto g = group();
  CHECK(sources::docker_stream_labels(g.targets[0], "stdout", rules) ==
        model::LabelSet{{"container", "web-1"}, {"stream", "stdout"}});
  CHECK(sources::docker_stream_labels(g.targets[0], "stderr", rules).empty());
  CHECK(sources::docker_stream_labels(g.targets[1], "stderr", rules) ==
        model::LabelSet{{"container", "worker"}, {"stream", "stderr"}});
  // Without relabeling nothing is left but "__" labels: the stream is dropped, as Promtail does.
  CHECK(sources::docker_stream_labels(g.targets[0], "stdout", {}).empty());
}
