#include "discovery/docker_sd.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <unordered_map>

#include "discovery/kubernetes_objects.h"
#include "fsutil/atomic_file.h"
#include "util/strings.h"

namespace discovery {
namespace {

constexpr char kPrefix[] = "__meta_docker_";

std::string join_host_port(const std::string& host, int64_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

util::Result<std::string> read_secret(const std::string& file, const char* what) {
  auto text = fsutil::read_file(file);
  if (!text.ok()) return util::prefixed(std::string("reading ") + what + ": ", text.status_error());
  return std::string(util::trim(*text));
}

}  // namespace

util::Result<DockerEndpoint> docker_endpoint(const DockerSdConfig& config) {
  auto e = parse_docker_host(config.host);
  if (!e.ok()) return e;
  std::string token = config.bearer_token;
  if (!config.bearer_token_file.empty()) {
    auto t = read_secret(config.bearer_token_file, "bearer_token_file");
    if (!t.ok()) return t.status_error();
    token = *t;
  }
  if (!token.empty()) e->headers.push_back("Authorization: Bearer " + token);
  if (!config.basic_auth_username.empty()) {
    std::string password = config.basic_auth_password;
    if (!config.basic_auth_password_file.empty()) {
      auto p = read_secret(config.basic_auth_password_file, "basic_auth.password_file");
      if (!p.ok()) return p.status_error();
      password = *p;
    }
    e->userpwd = config.basic_auth_username + ":" + password;
  }
  e->tls.ca_file = config.ca_file;
  e->tls.cert_file = config.cert_file;
  e->tls.key_file = config.key_file;
  e->tls.insecure_skip_verify = config.insecure_skip_verify;
  return e;
}

TargetGroup docker_target_group(const std::vector<DockerContainer>& containers,
                                const std::vector<DockerNetwork>& networks, const DockerSdConfig& config) {
  const std::string p = kPrefix;
  std::unordered_map<std::string, model::LabelSet> network_labels;
  for (const DockerNetwork& n : networks) {
    model::LabelSet& l = network_labels[n.id];
    l.set(p + "network_id", n.id);
    l.set(p + "network_name", n.name);
    l.set(p + "network_scope", n.scope);
    l.set(p + "network_internal", n.internal ? "true" : "false");
    l.set(p + "network_ingress", n.ingress ? "true" : "false");
    for (const auto& [k, v] : n.labels) l.set(p + "network_label_" + sanitize_label_name(k), v);
  }
  std::unordered_map<std::string, const DockerContainer*> by_id;
  for (const DockerContainer& c : containers) by_id[c.id] = &c;

  TargetGroup group;
  group.source = "Docker";
  for (const DockerContainer& c : containers) {
    if (c.names.empty()) continue;
    model::LabelSet common;
    common.set(kDockerMetaContainerId, c.id);
    common.set(kDockerMetaContainerName, c.names.front());
    common.set(p + "container_network_mode", c.network_mode);
    for (const auto& [k, v] : c.labels) common.set(p + "container_label_" + sanitize_label_name(k), v);

    // A container on another's network stack ("container:<id>") shows none of its own.
    const std::map<std::string, DockerContainerNetwork>* nets = &c.networks;
    std::string mode = c.network_mode;
    for (int hops = 0; nets->empty() && mode.starts_with("container:") && hops < 16; ++hops) {
      auto it = by_id.find(mode.substr(std::string_view("container:").size()));
      if (it == by_id.end()) break;
      nets = &it->second->networks;
      mode = it->second->network_mode;
    }
    std::vector<std::pair<std::string, DockerContainerNetwork>> chosen(nets->begin(), nets->end());  // by name
    if (config.match_first_network && chosen.size() > 1) chosen.resize(1);

    auto add = [&](model::LabelSet labels, const DockerContainerNetwork& n, const std::string& address) {
      for (const auto& l : common) labels.set(l.name, l.value);
      if (auto it = network_labels.find(n.network_id); it != network_labels.end()) {
        for (const auto& l : it->second) labels.set(l.name, l.value);
      }
      labels.set("__address__", address);
      group.targets.push_back(std::move(labels));
    };
    for (const auto& [name, n] : chosen) {
      bool added = false;
      for (const DockerPort& port : c.ports) {
        if (port.type != "tcp") continue;
        model::LabelSet labels;
        labels.set(p + "network_ip", n.ip_address);
        labels.set(p + "port_private", std::to_string(port.private_port));
        if (port.public_port > 0) {
          labels.set(p + "port_public", std::to_string(port.public_port));
          labels.set(p + "port_public_ip", port.ip);
        }
        add(std::move(labels), n, join_host_port(n.ip_address, port.private_port));
        added = true;
      }
      if (!added) {
        model::LabelSet labels;
        labels.set(p + "network_ip", n.ip_address);
        // Host-networking containers publish no ports: they are reached at the host.
        add(std::move(labels), n,
            c.network_mode != "host" ? join_host_port(n.ip_address, config.port) : config.host_networking_host);
      }
    }
  }
  return group;
}

util::Result<std::unique_ptr<DockerDiscovery>> DockerDiscovery::create(DockerSdConfig config) {
  auto e = docker_endpoint(config);
  if (!e.ok()) return e.status_error();
  return std::unique_ptr<DockerDiscovery>(new DockerDiscovery(std::move(config), std::move(*e)));
}

DockerDiscovery::~DockerDiscovery() { stop(); }

util::Result<TargetGroup> DockerDiscovery::refresh() {
  auto get = [&](const std::string& path) -> util::Result<std::string> {
    httpclient::Request r = docker_request(endpoint_, path);
    r.cancel = &cancel_;
    // As Prometheus bounds its Docker client by the refresh interval.
    r.timeout_ms = std::max<int64_t>(1000, config_.refresh_interval_ns / 1'000'000);
    r.max_body_bytes = 64 << 20;
    httpclient::Response resp = connection_.perform(r);
    if (!resp.transport_ok()) return util::Error{"GET " + path + ": " + resp.error, util::ErrorCode::kUnavailable};
    if (!resp.ok()) {
      return util::Error{"GET " + path + ": HTTP " + std::to_string(resp.status) + ": " +
                             std::string(util::trim(resp.body)),
                         util::ErrorCode::kUnavailable};
    }
    return std::move(resp.body);
  };
  std::string query = docker_filters_query(config_.filters);
  auto containers_text = get("/containers/json" + (query.empty() ? "" : "?filters=" + query));
  if (!containers_text.ok()) return containers_text.status_error();
  auto containers = parse_docker_containers(*containers_text);
  if (!containers.ok()) return containers.status_error();
  auto networks_text = get("/networks");
  if (!networks_text.ok()) return networks_text.status_error();
  auto networks = parse_docker_networks(*networks_text);
  if (!networks.ok()) return networks.status_error();
  return docker_target_group(*containers, *networks, config_);
}

void DockerDiscovery::start(UpdateCallback on_update) {
  if (thread_.joinable()) return;
  thread_ = std::thread([this, on_update = std::move(on_update)] { run(on_update); });
}

void DockerDiscovery::run(UpdateCallback on_update) {
  for (;;) {
    auto group = refresh();
    if (group.ok()) {
      on_update({std::move(*group)});
    } else if (!cancel_.load()) {
      std::fprintf(stderr, "level=error component=docker_sd host=%s msg=\"refresh failed\" err=\"%s\"\n",
                   config_.host.c_str(), group.error().c_str());
    }
    std::unique_lock lock(mu_);
    if (wake_.wait_for(lock, std::chrono::nanoseconds(config_.refresh_interval_ns), [&] { return stopping_; })) return;
  }
}

void DockerDiscovery::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace discovery
