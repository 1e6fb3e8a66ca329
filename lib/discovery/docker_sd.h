// Docker service discovery (Prometheus's docker_sd_configs, as Promtail uses it for its docker
// targets): every refresh_interval, list the running containers (GET /containers/json with the
// configured filters) and the networks (GET /networks), and report one target group, source
// "Docker", with a target per container x network x TCP port (or one per network with the
// fallback `port`), labeled:
//   __meta_docker_container_id, __meta_docker_container_name ("/web-1"),
//   __meta_docker_container_network_mode, __meta_docker_container_label_<name>,
//   __meta_docker_network_{id,name,scope,internal,ingress,ip,label_<name>},
//   __meta_docker_port_{private,public,public_ip}, and __address__.
// A container sharing another's network (network_mode container:<id>) takes that one's
// networks; with match_first_network only the first network by name counts. A failed refresh
// is logged to stderr and keeps the previous targets.
//
// Thread-safety: one refresh thread; start()/stop() from one controlling thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "discovery/docker_api.h"
#include "discovery/target_group.h"
#include "util/result.h"

namespace discovery {

// A docker_sd_configs entry (the keys logtail accepts; see docs/promtail-config.md).
struct DockerSdConfig {
  std::string host;  // required: unix:///var/run/docker.sock, tcp://, http://, https://
  int64_t port = 80;  // __address__ port of a container without TCP ports
  std::string host_networking_host = "localhost";  // __address__ of a host-networking container
  int64_t refresh_interval_ns = 60'000'000'000;
  bool match_first_network = true;
  std::map<std::string, std::vector<std::string>> filters;  // Docker's container list filters
  // HTTP client settings (http:// and https:// hosts only).
  std::string bearer_token, bearer_token_file;
  std::string basic_auth_username, basic_auth_password, basic_auth_password_file;
  std::string ca_file, cert_file, key_file;
  bool insecure_skip_verify = false;
};

inline constexpr char kDockerMetaContainerId[] = "__meta_docker_container_id";
inline constexpr char kDockerMetaContainerName[] = "__meta_docker_container_name";

// The endpoint of `config` with its HTTP client settings (secrets read from their files).
util::Result<DockerEndpoint> docker_endpoint(const DockerSdConfig& config);

// The target group of one refresh (pure: the label building Prometheus does).
TargetGroup docker_target_group(const std::vector<DockerContainer>& containers,
                                const std::vector<DockerNetwork>& networks, const DockerSdConfig& config);

class DockerDiscovery final : public Discoverer {
 public:
  static util::Result<std::unique_ptr<DockerDiscovery>> create(DockerSdConfig config);
  ~DockerDiscovery() override;

  void start(UpdateCallback on_update) override;
  void stop() override;
  // One refresh: the group, or why it failed (also used by start()'s loop).
  util::Result<TargetGroup> refresh();

 private:
  DockerDiscovery(DockerSdConfig config, DockerEndpoint endpoint)
      : config_(std::move(config)), endpoint_(std::move(endpoint)) {}
  void run(UpdateCallback on_update);

  const DockerSdConfig config_;
  const DockerEndpoint endpoint_;
  httpclient::Connection connection_;  // the refresh thread's
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::atomic<bool> cancel_{false};
};

}  // namespace discovery
