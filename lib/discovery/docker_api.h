// The Docker Engine API as docker_sd_configs uses it: where the daemon listens (`host`:
// unix:///var/run/docker.sock, tcp://, http://, https://), and the JSON answers of
// GET /containers/json, GET /networks and GET /containers/{id}/json read into plain structs.
// The requests themselves go through lib/httpclient; nlohmann/json stays in docker_api.cpp.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "httpclient/http_request.h"
#include "util/result.h"

namespace discovery {

// How to reach one Docker daemon: a base URL ("http://localhost" over a unix socket), and the
// client settings every request carries.
struct DockerEndpoint {
  std::string base_url;          // no trailing slash
  std::string unix_socket_path;  // set for unix:// hosts
  httpclient::TlsClientOptions tls;
  std::vector<std::string> headers;  // Authorization, ...
  std::string userpwd;               // basic auth
};

// Reads `host` as the Docker client does: unix:///path, tcp://host:port (plain HTTP),
// http://host:port, https://host:port. Anything else is an error naming the scheme.
util::Result<DockerEndpoint> parse_docker_host(const std::string& host);

// A request for `path_and_query` ("/containers/json?filters=...") on `endpoint`.
httpclient::Request docker_request(const DockerEndpoint& endpoint, const std::string& path_and_query);

struct DockerPort {
  std::string ip;  // the host address of a published port
  int64_t private_port = 0;
  int64_t public_port = 0;  // 0: not published
  std::string type;         // tcp, udp, sctp
};

struct DockerContainerNetwork {
  std::string network_id;
  std::string ip_address;
};

// One element of GET /containers/json.
struct DockerContainer {
  std::string id;
  std::vector<std::string> names;  // "/web-1": Docker prefixes names with a slash
  std::string network_mode;        // HostConfig.NetworkMode: bridge, host, none, container:<id>, <network>
  std::map<std::string, std::string> labels;
  std::vector<DockerPort> ports;
  std::map<std::string, DockerContainerNetwork> networks;  // NetworkSettings.Networks, by name
};

// One element of GET /networks.
struct DockerNetwork {
  std::string id;
  std::string name;
  std::string scope;
  bool internal = false;
  bool ingress = false;
  std::map<std::string, std::string> labels;
};

util::Result<std::vector<DockerContainer>> parse_docker_containers(std::string_view json);
util::Result<std::vector<DockerNetwork>> parse_docker_networks(std::string_view json);
// Config.Tty of GET /containers/{id}/json: whether the logs come as one raw stream.
util::Result<bool> parse_docker_container_tty(std::string_view json);

// The `filters` query parameter of GET /containers/json: {"name":["a","b"],...} URL-encoded;
// empty when there is no filter.
std::string docker_filters_query(const std::map<std::string, std::vector<std::string>>& filters);

}  // namespace discovery
