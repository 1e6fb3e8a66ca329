#include "discovery/docker_api.h"

#include <nlohmann/json.hpp>

namespace discovery {
namespace {

using nlohmann::json;

std::string string_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t int_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool bool_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::map<std::string, std::string> labels_at(const json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

util::Result<json> parse_array(std::string_view text, const char* what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return util::Error{std::string(what) + ": the answer is not JSON"};
  if (!j.is_array()) return util::Error{std::string(what) + ": expected a JSON array"};
  return j;
}

}  // namespace

util::Result<DockerEndpoint> parse_docker_host(const std::string& host) {
  DockerEndpoint e;
  auto rest_after = [&](std::string_view scheme) { return host.substr(scheme.size()); };
  if (host.starts_with("unix://")) {
    e.unix_socket_path = rest_after("unix://");
    if (e.unix_socket_path.empty() || e.unix_socket_path.front() != '/') {
      return util::Error{"host: a unix socket needs an absolute path (unix:///var/run/docker.sock): \"" + host + "\""};
    }
    // The daemon ignores the Host header on its socket; Docker's own client sends "docker".
    e.base_url = "http://localhost";
    return e;
  }
  std::string address;
  if (host.starts_with("tcp://")) {
    address = rest_after("tcp://");
    e.base_url = "http://";
  } else if (host.starts_with("http://")) {
    address = rest_after("http://");
    e.base_url = "http://";
  } else if (host.starts_with("https://")) {
    address = rest_after("https://");
    e.base_url = "https://";
  } else {
    return util::Error{"host: unsupported Docker host \"" + host + "\" (unix://, tcp://, http:// or https://)"};
  }
  while (!address.empty() && address.back() == '/') address.pop_back();
  if (address.empty() || address.find('/') != std::string::npos) {
    return util::Error{"host: expected <scheme>://<host>:<port> in \"" + host + "\""};
  }
  e.base_url += address;
  return e;
}

httpclient::Request docker_request(const DockerEndpoint& endpoint, const std::string& path_and_query) {
  httpclient::Request r;
  r.url = endpoint.base_url + path_and_query;
  r.unix_socket_path = endpoint.unix_socket_path;
  r.tls = endpoint.tls;
  r.headers = endpoint.headers;
  r.userpwd = endpoint.userpwd;
  return r;
}

util::Result<std::vector<DockerContainer>> parse_docker_containers(std::string_view text) {
  auto j = parse_array(text, "GET /containers/json");
  if (!j.ok()) return j.status_error();
  std::vector<DockerContainer> out;
  for (const json& c : *j) {
    if (!c.is_object()) return util::Error{"GET /containers/json: expected an array of objects"};
    DockerContainer d;
    d.id = string_at(c, "Id");
    if (auto names = c.find("Names"); names != c.end() && names->is_array()) {
      for (const json& n : *names) {
        if (n.is_string()) d.names.push_back(n.get<std::string>());
      }
    }
    if (auto hc = c.find("HostConfig"); hc != c.end() && hc->is_object()) d.network_mode = string_at(*hc, "NetworkMode");
    d.labels = labels_at(c, "Labels");
    if (auto ports = c.find("Ports"); ports != c.end() && ports->is_array()) {
      for (const json& p : *ports) {
        if (!p.is_object()) continue;
        d.ports.push_back({string_at(p, "IP"), int_at(p, "PrivatePort"), int_at(p, "PublicPort"), string_at(p, "Type")});
      }
    }
    if (auto ns = c.find("NetworkSettings"); ns != c.end() && ns->is_object()) {
      if (auto nets = ns->find("Networks"); nets != ns->end() && nets->is_object()) {
        for (const auto& [name, n] : nets->items()) {
          if (!n.is_object()) continue;  // a null endpoint, as Prometheus skips
          d.networks[name] = {string_at(n, "NetworkID"), string_at(n, "IPAddress")};
        }
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

util::Result<std::vector<DockerNetwork>> parse_docker_networks(std::string_view text) {
  auto j = parse_array(text, "GET /networks");
  if (!j.ok()) return j.status_error();
  std::vector<DockerNetwork> out;
  for (const json& n : *j) {
    if (!n.is_object()) return util::Error{"GET /networks: expected an array of objects"};
    out.push_back({string_at(n, "Id"), string_at(n, "Name"), string_at(n, "Scope"), bool_at(n, "Internal"),
                   bool_at(n, "Ingress"), labels_at(n, "Labels")});
  }
  return out;
}

util::Result<bool> parse_docker_container_tty(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return util::Error{"GET /containers/{id}/json: expected a JSON object"};
  auto config = j.find("Config");
  return config != j.end() && config->is_object() && bool_at(*config, "Tty");
}

std::string docker_filters_query(const std::map<std::string, std::vector<std::string>>& filters) {
  if (filters.empty()) return "";
  json j = json::object();
  for (const auto& [name, values] : filters) j[name] = values;
  return httpclient::uri_encode(j.dump(), false);
}

}  // namespace discovery
