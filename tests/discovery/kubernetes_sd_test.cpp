// Kubernetes SD against a fake API server on loopback: list, then watch events (pods added,
// changed, deleted) move the targets; an expired resourceVersion (410) makes it list again. The
// fake answers each watch request with the next batch of events and ends the response, which a
// real client handles by watching again from the last resourceVersion.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "discovery/discovery_set.h"
#include "discovery/kubernetes_sd.h"
#include "http/server.h"

namespace {

using nlohmann::json;

json pod(const std::string& name, const std::string& uid, const std::string& app, const std::string& rv) {
  return json{{"metadata", {{"name", name}, {"namespace", "default"}, {"uid", uid}, {"resourceVersion", rv},
                            {"labels", {{"app", app}}}}},
              {"spec", {{"nodeName", "node-1"}, {"containers", json::array({{{"name", "main"}, {"image", "app:1"}}})}}},
              {"status", {{"phase", "Running"}, {"podIP", "10.0.0." + rv}}}};
}

// The fake API server: a pod list and a queue of watch batches.
class FakeApiServer {
 public:
  FakeApiServer() : server_({.threads = 2}) {
    server_.route_prefix("GET", "/api/v1/", [this](const http::Request& req) { return handle(req); });
    REQUIRE(server_.start().ok());
  }
  ~FakeApiServer() { server_.stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

  void set_list(json items, const std::string& rv) {
    std::lock_guard lock(mu_);
    list_ = json{{"kind", "PodList"}, {"metadata", {{"resourceVersion", rv}}}, {"items", std::move(items)}};
  }
  void push_events(std::vector<json> events) {
    std::lock_guard lock(mu_);
    batches_.push_back(std::move(events));
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
    if (req.headers.get_or("Authorization", "") != "Bearer s3cret") return http::Response::json(401, "{}");
    if (!req.param("watch")) return http::Response::json(200, list_.dump());
    cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return !batches_.empty(); });
    std::string body;
    if (!batches_.empty()) {
      for (const json& e : batches_.front()) body += e.dump() + "\n";
      batches_.pop_front();
    }
    return http::Response::json(200, body);
  }

  http::Server server_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  json list_ = json{{"kind", "PodList"}, {"metadata", {{"resourceVersion", "1"}}}, {"items", json::array()}};
  std::deque<std::vector<json>> batches_;
  std::vector<std::string> requests_;
};

// Collects the current targets' (pod name, app) as DiscoverySet reports them.
struct Observed {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> pods;  // "name app"
  void update(const std::vector<discovery::TargetGroup>& all) {
    std::lock_guard lock(mu);
    pods.clear();
    for (const auto& g : all) {
      for (const auto& t : discovery::merged_targets(g)) {
        pods.push_back(std::string(*t.get("__meta_kubernetes_pod_name")) + " " +
                       std::string(t.get("__meta_kubernetes_pod_label_app").value_or("")));
      }
    }
    cv.notify_all();
  }
  bool wait_for(const std::vector<std::string>& want) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return pods == want; });
  }
};

}  // namespace

TEST_CASE("kubernetes_sd: list then watch; pods added, changed and deleted; 410 relists") {
  FakeApiServer api;
  api.set_list(json::array({pod("a", "uid-a", "web", "5")}), "10");
  discovery::KubernetesSdConfig config;
  config.api_server = api.url();
  config.bearer_token = "s3cret";
  config.namespaces.names = {"default"};
  config.selectors.push_back({discovery::KubernetesRole::kPod, "app in (web,db)", ""});
  auto kd = discovery::KubernetesDiscovery::create(config, {.retry_interval = std::chrono::milliseconds(50)});
  REQUIRE_MESSAGE(kd.ok(), kd.error());
  std::vector<std::unique_ptr<discovery::Discoverer>> ds;
  ds.push_back(std::move(*kd));
  discovery::DiscoverySet set({}, std::move(ds));
  Observed seen;
  set.start([&](const std::vector<discovery::TargetGroup>& all) { seen.update(all); });

  CHECK(seen.wait_for({"a web"}));
  api.push_events({{{"type", "ADDED"}, {"object", pod("b", "uid-b", "db", "11")}}});
  CHECK(seen.wait_for({"a web", "b db"}));
  api.push_events({{{"type", "MODIFIED"}, {"object", pod("a", "uid-a", "web2", "12")}},
                   {{"type", "BOOKMARK"}, {"object", {{"metadata", {{"resourceVersion", "13"}}}}}}});
  CHECK(seen.wait_for({"a web2", "b db"}));
  api.push_events({{{"type", "DELETED"}, {"object", pod("b", "uid-b", "db", "14")}}});
  CHECK(seen.wait_for({"a web2"}));

  // The resourceVersion expired: the next list is the truth (a gone, c there).
  api.set_list(json::array({pod("c", "uid-c", "web", "20")}), "21");
  api.push_events({{{"type", "ERROR"}, {"object", {{"kind", "Status"}, {"code", 410}, {"message", "too old resource version"}}}}});
  CHECK(seen.wait_for({"c web"}));
  set.stop();

  // The requests: a namespaced list with the selector, then watches resuming where they left off.
  auto reqs = api.requests();
  REQUIRE(reqs.size() >= 3);
  CHECK(reqs[0] == "/api/v1/namespaces/default/pods?labelSelector=app%20in%20%28web%2Cdb%29");
  CHECK(reqs[1].find("watch=1") != std::string::npos);
  CHECK(reqs[1].find("resourceVersion=10") != std::string::npos);
  bool resumed_after_bookmark = false;
  for (const auto& r : reqs) resumed_after_bookmark |= r.find("resourceVersion=13") != std::string::npos;
  CHECK(resumed_after_bookmark);
}

TEST_CASE("kubernetes_sd: malformed watch events and objects make it list again, never crash") {
  FakeApiServer api;
  api.set_list(json::array({pod("a", "uid-a", "web", "5")}), "10");
  discovery::KubernetesSdConfig config;
  config.api_server = api.url();
  config.bearer_token = "s3cret";
  config.namespaces.names = {"default"};
  auto kd = discovery::KubernetesDiscovery::create(config, {.retry_interval = std::chrono::milliseconds(50)});
  REQUIRE_MESSAGE(kd.ok(), kd.error());
  std::vector<std::unique_ptr<discovery::Discoverer>> ds;
  ds.push_back(std::move(*kd));
  discovery::DiscoverySet set({}, std::move(ds));
  Observed seen;
  set.start([&](const std::vector<discovery::TargetGroup>& all) { seen.update(all); });
  CHECK(seen.wait_for({"a web"}));
  // A type that is not a string, an ERROR without a Status object, an object whose metadata
  // has the wrong JSON types: each one ends the watch; the list after it is the truth.
  api.set_list(json::array({pod("b", "uid-b", "db", "20")}), "21");
  api.push_events({{{"type", 1}, {"object", pod("x", "uid-x", "web", "11")}}});
  CHECK(seen.wait_for({"b db"}));
  api.set_list(json::array({pod("c", "uid-c", "db", "30")}), "31");
  api.push_events({{{"type", "ERROR"}, {"object", nullptr}}});
  CHECK(seen.wait_for({"c db"}));
  api.push_events({{{"type", "ADDED"}, {"object", {{"metadata", {{"name", 7}, {"namespace", json::array()}}}}}},
                   {{"type", "ADDED"}, {"object", pod("e", "uid-e", "web", "32")}}});
  CHECK(seen.wait_for({"c db", "e web"}));  // the malformed object gave no target; discovery goes on
  set.stop();
}

TEST_CASE("kubernetes_sd: kubeconfig, in-cluster and own_namespace") {
  std::string dir = std::filesystem::temp_directory_path() / "kubeconfig_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config") << R"(
apiVersion: v1
kind: Config
current-context: dev
contexts:
  - name: dev
    context: {cluster: c1, user: u1, namespace: team-a}
clusters:
  - name: c1
    cluster: {server: "https://k8s.example:6443", certificate-authority: ca.pem}
users:
  - name: u1
    user: {token: abc, client-certificate-data: aGVsbG8=}
)";
  auto conn = discovery::kubeconfig_connection(dir + "/config");
  REQUIRE_MESSAGE(conn.ok(), conn.error());
  CHECK(conn->server == "https://k8s.example:6443");
  CHECK(conn->ca_file == dir + "/ca.pem");
  CHECK(conn->bearer_token == "abc");
  CHECK(conn->cert_pem == "hello");
  CHECK(conn->default_namespace == "team-a");

  discovery::KubernetesSdConfig c;
  c.kubeconfig_file = dir + "/config";
  c.namespaces.own_namespace = true;
  c.namespaces.names = {"kube-system"};
  c.selectors.push_back({discovery::KubernetesRole::kPod, "", "spec.nodeName=node-1"});
  CHECK(discovery::kubernetes_list_path(c, "team-a", "watch=1") ==
        "/api/v1/namespaces/team-a/pods?fieldSelector=spec.nodeName%3Dnode-1&watch=1");
  c.role = discovery::KubernetesRole::kNode;
  CHECK(discovery::kubernetes_list_path(c, "", "") == "/api/v1/nodes");

  std::ofstream(dir + "/config2") << "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
                                     "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                                     "users: [{name: u, user: {exec: {command: aws}}}]\n";
  auto exec = discovery::kubeconfig_connection(dir + "/config2");
  REQUIRE_FALSE(exec.ok());
  CHECK(exec.error().find("exec and auth-provider credential plugins are not supported") != std::string::npos);

  // In-cluster: the service-account directory and the two variables.
  ::setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  std::ofstream(dir + "/token") << "tok\n";
  std::ofstream(dir + "/namespace") << "logging\n";
  auto in = discovery::in_cluster_connection(dir);
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  REQUIRE_MESSAGE(in.ok(), in.error());
  CHECK(in->server == "https://10.96.0.1:443");
  CHECK(in->bearer_token_file == dir + "/token");
  CHECK(in->ca_file == dir + "/ca.crt");
  CHECK(in->default_namespace == "logging");
  CHECK_FALSE(discovery::in_cluster_connection(dir).ok());  // variables unset: not in a cluster
  std::filesystem::remove_all(dir);
}
