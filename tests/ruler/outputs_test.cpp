#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/server.h"
#include "ruler/alertmanager_notifier.h"
#include "ruler/remote_write.h"

namespace {

constexpr int64_t kS = 1'000'000'000;

// A loopback receiver that answers with the statuses it is told, in order (then 200), and keeps
// what it received.
struct Receiver {
  explicit Receiver(std::string path) : server(http::ServerOptions{}) {
    server.route("POST", path, [this](const http::Request& r) {
      std::lock_guard lock(mu);
      requests.push_back(r);
      int status = 200;
      if (!statuses.empty()) {
        status = statuses.front();
        statuses.erase(statuses.begin());
      }
      cv.notify_all();
      return http::Response::text(status, status == 200 ? "" : "nope");
    });
    REQUIRE(server.start().ok());
    base = "http://127.0.0.1:" + std::to_string(server.port());
  }
  ~Receiver() { server.stop(); }
  bool wait_requests(size_t n, util::FakeClock* clock = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::unique_lock lock(mu);
    while (requests.size() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      lock.unlock();
      if (clock) clock->advance(kS);  // moves retries' backoff along
      lock.lock();
      cv.wait_for(lock, std::chrono::milliseconds(20));
    }
    return true;
  }
  std::mutex mu;
  std::condition_variable cv;
  std::vector<http::Request> requests;
  std::vector<int> statuses;
  http::Server server;
  std::string base;
};

ruler::NotifierAlert alert(const std::string& name, int64_t starts, int64_t ends) {
  ruler::NotifierAlert a;
  a.labels = model::LabelSet{{"alertname", name}, {"severity", "page"}};
  a.annotations = {{"summary", "it broke"}};
  a.starts_at = starts;
  a.ends_at = ends;
  a.generator_url = "http://logd:3100/graph?g0.expr=x&g0.tab=1";
  return a;
}

template <class F>
bool eventually(F f) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!f()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace

TEST_CASE("alertmanager notifier: v2 JSON with external labels, tenant header, every Alertmanager") {
  Receiver am1("/api/v2/alerts"), am2("/api/v2/alerts");
  util::FakeClock clock;
  ruler::AlertmanagerConfig c;
  c.urls = {am1.base, am2.base + "/"};
  c.external_labels = model::LabelSet{{"cluster", "eu1"}, {"severity", "low"}};
  ruler::AlertmanagerNotifier n(c, "tenant-a", clock);
  n.start();
  n.send({alert("A", 1'700'000'000LL * kS, 1'700'000'240LL * kS)});
  REQUIRE(am1.wait_requests(1));
  REQUIRE(am2.wait_requests(1));
  std::lock_guard lock(am1.mu);
  const http::Request& r = am1.requests[0];
  CHECK(r.headers.get_or("X-Scope-OrgID", "") == "tenant-a");
  CHECK(r.headers.get_or("Content-Type", "") == "application/json");
  auto j = nlohmann::json::parse(r.body);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["labels"]["alertname"] == "A");
  CHECK(j[0]["labels"]["cluster"] == "eu1");
  CHECK(j[0]["labels"]["severity"] == "page");  // the alert's own label wins
  CHECK(j[0]["annotations"]["summary"] == "it broke");
  CHECK(j[0]["startsAt"] == "2023-11-14T22:13:20Z");
  CHECK(j[0]["endsAt"] == "2023-11-14T22:17:20Z");
  CHECK(j[0]["generatorURL"] == "http://logd:3100/graph?g0.expr=x&g0.tab=1");
  CHECK(eventually([&] { return n.counters()[0].sent == 1 && n.counters()[1].sent == 1; }));
}

TEST_CASE("alertmanager notifier: a failing Alertmanager is retried and counted; v1 path") {
  Receiver am("/api/v1/alerts");
  am.statuses = {500, 503};
  util::FakeClock clock;
  ruler::AlertmanagerConfig c;
  c.urls = {am.base};
  c.api_v2 = false;
  ruler::AlertmanagerNotifier n(c, "", clock);
  n.start();
  n.send({alert("A", 1, 0), alert("B", 1, 0)});
  REQUIRE(am.wait_requests(3, &clock));
  CHECK(eventually([&] { return n.counters()[0].sent == 2; }));
  auto counters = n.counters()[0];
  CHECK(counters.errors == 4);  // two failed attempts of two alerts
  CHECK(counters.dropped == 0);
  std::lock_guard lock(am.mu);
  CHECK_FALSE(am.requests[0].headers.has("X-Scope-OrgID"));
}

TEST_CASE("alertmanager notifier: an unreachable Alertmanager never blocks send(); alerts are dropped and counted") {
  util::FakeClock clock;
  ruler::AlertmanagerConfig c;
  c.urls = {"http://127.0.0.1:1"};  // nothing listens on port 1
  c.max_attempts = 1;
  c.queue_capacity = 2;
  ruler::AlertmanagerNotifier n(c, "t", clock);
  n.start();
  for (int i = 0; i < 10; ++i) n.send({alert("A" + std::to_string(i), 1, 0)});  // returns at once
  CHECK(eventually([&] {
    auto k = n.counters()[0];
    return k.queue_length == 0 && k.dropped == 10;
  }));
  CHECK(n.counters()[0].sent == 0);
}

TEST_CASE("remote write: protobuf+snappy WriteRequest with the protocol headers and the tenant") {
  Receiver rw("/api/v1/write");
  util::FakeClock clock;
  ruler::RemoteWriteConfig c;
  c.name = "prom";
  c.url = rw.base + "/api/v1/write";
  c.max_samples_per_send = 3;
  c.headers = {{"X-Extra", "1"}};
  ruler::RemoteWriteQueue q(c, "tenant-a", clock);
  q.start();
  model::LabelSet s1{{"__name__", "app:panics"}, {"app", "a"}}, s2{{"__name__", "app:panics"}, {"app", "b"}};
  q.append({{s1, 1'700'000'000'123'000'000LL, 2}, {s2, 1'700'000'000'123'000'000LL, 3},
            {s1, 1'700'000'010'000'000'000LL, ruler::stale_nan()}});
  REQUIRE(rw.wait_requests(1));
  std::lock_guard lock(rw.mu);
  const http::Request& r = rw.requests[0];
  CHECK(r.headers.get_or("Content-Encoding", "") == "snappy");
  CHECK(r.headers.get_or("Content-Type", "") == "application/x-protobuf");
  CHECK(r.headers.get_or("X-Prometheus-Remote-Write-Version", "") == "0.1.0");
  CHECK(r.headers.get_or("X-Scope-OrgID", "") == "tenant-a");
  CHECK(r.headers.get_or("X-Extra", "") == "1");
  auto samples = ruler::decode_write_request(r.body);
  REQUIRE(samples.ok());
  REQUIRE(samples->size() == 3);
  // Grouped by series: s1's two samples first, in order.
  CHECK((*samples)[0].labels == s1);
  CHECK((*samples)[0].t_ns == 1'700'000'000'123'000'000LL);
  CHECK((*samples)[0].v == 2);
  CHECK((*samples)[1].labels == s1);
  CHECK(ruler::is_stale_nan((*samples)[1].v));
  CHECK((*samples)[2].labels == s2);
}

TEST_CASE("remote write: batches wait for the deadline; 5xx is retried, 4xx dropped; a full queue drops") {
  Receiver rw("/w");
  rw.statuses = {500, 200, 400};
  util::FakeClock clock;
  ruler::RemoteWriteConfig c;
  c.url = rw.base + "/w";
  c.max_samples_per_send = 100;
  c.batch_send_deadline_ns = 5 * kS;
  c.capacity = 3;
  ruler::RemoteWriteQueue q(c, "", clock);
  q.start();
  model::LabelSet s{{"__name__", "m"}};
  q.append({{s, kS, 1}, {s, 2 * kS, 2}, {s, 3 * kS, 3}, {s, 4 * kS, 4}});  // the 4th is over capacity
  CHECK(q.counters().samples_dropped == 1);
  REQUIRE(rw.wait_requests(2, &clock));  // sent after the deadline, failed once, retried
  CHECK(eventually([&] { return q.counters().samples_sent == 3; }));
  CHECK(q.counters().samples_retried == 3);
  q.append({{s, 5 * kS, 5}});
  REQUIRE(rw.wait_requests(3, &clock));
  CHECK(eventually([&] { return q.counters().samples_failed == 1; }));
  CHECK(q.counters().requests_failed == 2);
  {
    std::lock_guard lock(rw.mu);
    CHECK_FALSE(rw.requests[0].headers.has("X-Scope-OrgID"));
  }
  q.stop();
}
