// The endpoints and endpointslice roles against a fake API server on loopback: Endpoints, Service
// and Pod are listed, then a pod change, a service change and a deletion reach the endpoints
// group. The fake serves each collection its own list and queue of watch batches, answering a
// watch with the next batch (or nothing after a short wait) and ending the response.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "discovery/discovery_set.h"
#include "discovery/kubernetes_sd.h"
#include "http/server.h"

namespace {

using nlohmann::json;

class FakeCollections {
 public:
  FakeCollections() : server_({.threads = 4}) {
    for (const char* prefix : {"/api/v1/", "/apis/"}) {
      server_.route_prefix("GET", prefix, [this](const http::Request& req) { return handle(req); });
    }
    REQUIRE(server_.start().ok());
  }
  ~FakeCollections() { server_.stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

  void set_list(const std::string& path, json items) {
    std::lock_guard lock(mu_);
    lists_[path] = json{{"metadata", {{"resourceVersion", "1"}}}, {"items", std::move(items)}};
  }
  void push(const std::string& path, const std::string& type, json object) {
    std::lock_guard lock(mu_);
    batches_[path].push_back({{{"type", type}, {"object", std::move(object)}}});
    cv_.notify_all();
  }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  http::Response handle(const http::Request& req) {
    std::unique_lock lock(mu_);
    requests_.push_back(req.target);
    if (!req.param("watch")) {
      auto it = lists_.find(req.path);
      return it == lists_.end() ? http::Response::json(404, "{}") : http::Response::json(200, it->second.dump());
    }
    auto& queue = batches_[req.path];
    cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return !queue.empty(); });
    std::string body;
    if (!queue.empty()) {
      for (const json& e : queue.front()) body += e.dump() + "\n";
      queue.pop_front();
    }
    return http::Response::json(200, body);
  }

  http::Server server_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, json> lists_;
  std::map<std::string, std::deque<std::vector<json>>> batches_;
  std::vector<std::string> requests_;
};

json service(const std::string& tier) {
  return {{"metadata", {{"name", "web"}, {"namespace", "default"}, {"labels", {{"tier", tier}}}}},
          {"spec", {{"ports", json::array({{{"port", 80}}})}}}};
}

json pod(const std::string& version) {
  return {{"metadata", {{"name", "web-0"}, {"namespace", "default"}, {"uid", "u-1"}, {"labels", {{"version", version}}}}},
          {"spec", {{"nodeName", "node-1"}, {"containers", json::array({{{"name", "app"}, {"image", "web:1"},
                                                                          {"ports", json::array({{{"containerPort", 8080}}, {{"containerPort", 9090}}})}}})}}},
          {"status", {{"podIP", "10.0.0.5"}}}};
}

json endpoints(const std::vector<std::string>& ips) {
  json addrs = json::array();
  for (const auto& ip : ips) {
    addrs.push_back({{"ip", ip}, {"targetRef", {{"kind", "Pod"}, {"name", "web-0"}, {"namespace", "default"}}}});
  }
  return {{"metadata", {{"name", "web"}, {"namespace", "default"}}},
          {"subsets", json::array({{{"addresses", addrs}, {"ports", json::array({{{"name", "http"}, {"port", 8080}}})}}})}};
}

json slice() {
  return {{"metadata", {{"name", "web-abc"}, {"namespace", "default"}, {"labels", {{"kubernetes.io/service-name", "web"}}}}},
          {"addressType", "IPv4"},
          {"ports", json::array({{{"name", "http"}, {"port", 8080}}})},
          {"endpoints", json::array({{{"addresses", json::array({"10.0.0.5"})}, {"conditions", {{"ready", true}}},
                                      {"targetRef", {{"kind", "Pod"}, {"name", "web-0"}, {"namespace", "default"}}}}})}};
}

// The current targets as "address tier version container", in DiscoverySet's order.
struct Observed {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> targets;
  void update(const std::vector<discovery::TargetGroup>& all) {
    std::lock_guard lock(mu);
    targets.clear();
    for (const auto& g : all) {
      for (const auto& t : discovery::merged_targets(g)) {
        auto get = [&](const char* name) { return std::string(t.get(name).value_or("-")); };
        targets.push_back(get("__address__") + " " + get("__meta_kubernetes_service_label_tier") + " " +
                          get("__meta_kubernetes_pod_label_version") + " " + get("__meta_kubernetes_pod_container_name"));
      }
    }
    cv.notify_all();
  }
  bool wait_for(const std::vector<std::string>& want) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return targets == want; });
  }
};

std::unique_ptr<discovery::DiscoverySet> start(discovery::KubernetesSdConfig config, Observed& seen) {
  auto kd = discovery::KubernetesDiscovery::create(std::move(config), {.retry_interval = std::chrono::milliseconds(50)});
  REQUIRE_MESSAGE(kd.ok(), kd.error());
  std::vector<std::unique_ptr<discovery::Discoverer>> ds;
  ds.push_back(std::move(*kd));
  auto set = std::make_unique<discovery::DiscoverySet>(std::vector<discovery::TargetGroup>{}, std::move(ds));
  set->start([&seen](const std::vector<discovery::TargetGroup>& all) { seen.update(all); });
  return set;
}

const std::string kNs = "/api/v1/namespaces/default/";

}  // namespace

TEST_CASE("kubernetes_sd endpoints: listed with its service and pod; pod and service changes update the group") {
  FakeCollections api;
  api.set_list(kNs + "endpoints", json::array({endpoints({"10.0.0.5"})}));
  api.set_list(kNs + "services", json::array({service("front")}));
  api.set_list(kNs + "pods", json::array({pod("v1")}));
  discovery::KubernetesSdConfig config;
  config.role = discovery::KubernetesRole::kEndpoints;
  config.api_server = api.url();
  config.namespaces.names = {"default"};
  config.selectors.push_back({discovery::KubernetesRole::kPod, "app=web", ""});
  config.selectors.push_back({discovery::KubernetesRole::kEndpoints, "", "metadata.name=web"});
  Observed seen;
  auto set = start(config, seen);

  // The endpoint's port belongs to container app; the pod's other port is a target of its own.
  CHECK(seen.wait_for({"10.0.0.5:8080 front v1 app", "10.0.0.5:9090 front v1 app"}));
  api.push(kNs + "pods", "MODIFIED", pod("v2"));
  CHECK(seen.wait_for({"10.0.0.5:8080 front v2 app", "10.0.0.5:9090 front v2 app"}));
  api.push(kNs + "services", "MODIFIED", service("back"));
  CHECK(seen.wait_for({"10.0.0.5:8080 back v2 app", "10.0.0.5:9090 back v2 app"}));
  api.push(kNs + "services", "DELETED", service("back"));
  CHECK(seen.wait_for({"10.0.0.5:8080 - v2 app", "10.0.0.5:9090 - v2 app"}));
  // An address whose pod is gone keeps its target, without pod labels.
  api.push(kNs + "pods", "DELETED", pod("v2"));
  CHECK(seen.wait_for({"10.0.0.5:8080 - - -"}));
  api.push(kNs + "endpoints", "DELETED", endpoints({}));
  CHECK(seen.wait_for({}));
  set->stop();

  // Each kind is listed with its own selectors only.
  bool pods_selected = false, endpoints_selected = false, services_plain = false;
  for (const auto& r : api.requests()) {
    pods_selected |= r == kNs + "pods?labelSelector=app%3Dweb";
    endpoints_selected |= r == kNs + "endpoints?fieldSelector=metadata.name%3Dweb";
    services_plain |= r == kNs + "services";
  }
  CHECK(pods_selected);
  CHECK(endpoints_selected);
  CHECK(services_plain);
}

TEST_CASE("kubernetes_sd endpointslice: read from discovery.k8s.io/v1; the service is the one its label names") {
  FakeCollections api;
  const std::string slices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";
  api.set_list(slices, json::array({slice()}));
  api.set_list(kNs + "services", json::array({service("front")}));
  api.set_list(kNs + "pods", json::array({pod("v1")}));
  discovery::KubernetesSdConfig config;
  config.role = discovery::KubernetesRole::kEndpointSlice;
  config.api_server = api.url();
  config.namespaces.names = {"default"};
  Observed seen;
  auto set = start(config, seen);

  CHECK(seen.wait_for({"10.0.0.5:8080 front v1 app", "10.0.0.5:9090 front v1 app"}));
  api.push(kNs + "pods", "MODIFIED", pod("v3"));
  CHECK(seen.wait_for({"10.0.0.5:8080 front v3 app", "10.0.0.5:9090 front v3 app"}));
  api.push(slices, "DELETED", slice());
  CHECK(seen.wait_for({}));
  set->stop();
}
