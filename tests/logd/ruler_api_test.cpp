#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <thread>
#include <unistd.h>

#include "logd/ruler_api.h"
#include "fake_ingester.h"

namespace {

constexpr int64_t kS = 1'000'000'000;

// Every query answers one sample {app="x"} = 3.
struct ConstEngine : ruler::QueryEngine {
  util::Result<logql::QueryResult> instant_query(const std::string&, const std::string&, int64_t) override {
    logql::QueryResult r;
    r.type = logql::ResultType::Vector;
    r.vector.push_back({model::LabelSet{{"app", "x"}}, {0, 3}});
    return r;
  }
};

struct Fixture {
  Fixture()
      : dir(std::filesystem::temp_directory_path() / ("ruler-api-test-" + std::to_string(::getpid()))),
        store(dir.string()),
        clock(1000 * kS),
        querier(&ingester, nullptr),
        distributor(ingester, logd::LimitsConfig{}, metrics, clock),
        api(options(), &querier, &distributor, nullptr, metrics, clock),
        ruler(ruler_options(), store, engine, clock),
        rapi(ruler, api) {
    ruler.start();
  }
  ~Fixture() {
    ruler.stop();
    std::filesystem::remove_all(dir);
  }
  static logd::ApiOptions options() {
    logd::ApiOptions o;
    o.auth_enabled = true;
    return o;
  }
  static ruler::RulerOptions ruler_options() {
    ruler::RulerOptions o;
    o.evaluation_interval_ns = 10 * kS;
    o.poll_interval_ns = 3600 * kS;
    return o;
  }
  http::Request req(const std::string& method, const std::string& path, const std::string& tenant,
                    const std::string& body = "") {
    http::Request r;
    r.method = method;
    r.path = path;
    r.target = path;
    if (!tenant.empty()) r.headers.add("X-Scope-OrgID", tenant);
    r.body = body;
    return r;
  }
  std::filesystem::path dir;
  ruler::LocalRuleStore store;
  util::FakeClock clock;
  logd_test::FakeIngester ingester;
  query::Querier querier;
  logd::Metrics metrics;
  logd::Distributor distributor;
  logd::Api api;
  ConstEngine engine;
  ruler::Ruler ruler;
  logd::RulerApi rapi;
};

const char* kGroup = "name: g1\nrules:\n  - alert: Many\n    expr: sum by (app) (count_over_time({app=\"x\"}[1m])) > 1\n"
                     "    for: 1m\n    labels: {severity: page}\n    annotations: {summary: '{{ $labels.app }}: {{ $value }}'}\n";
const std::string kPrefix = "/loki/api/v1/rules";

}  // namespace

TEST_CASE("ruler API: post, get, delete a group, per tenant") {
  Fixture f;
  auto r = f.rapi.change(f.req("POST", kPrefix + "/ns1", "a", kGroup), kPrefix);
  CHECK(r.status == 202);
  CHECK(r.body == R"({"status":"success","data":null,"errorType":"","error":""})");
  CHECK(std::filesystem::exists(f.dir / "a" / "ns1.yaml"));

  r = f.rapi.list(f.req("GET", kPrefix, "a"), kPrefix);
  CHECK(r.status == 200);
  CHECK(r.headers.get_or("Content-Type", "") == "application/yaml");
  CHECK(r.body.rfind("ns1:\n  - name: g1\n", 0) == 0);
  r = f.rapi.list(f.req("GET", kPrefix + "/ns1/g1", "a"), kPrefix);
  CHECK(r.status == 200);
  CHECK(r.body.rfind("name: g1\n", 0) == 0);
  CHECK(f.rapi.list(f.req("GET", kPrefix + "/ns1/nope", "a"), kPrefix).status == 404);
  CHECK(f.rapi.list(f.req("GET", kPrefix, "b"), kPrefix).status == 404);  // b has none
  CHECK(f.rapi.list(f.req("GET", kPrefix, ""), kPrefix).status == 401);
  CHECK(f.ruler.groups("a").size() == 1);  // in effect at once

  r = f.rapi.change(f.req("POST", kPrefix + "/ns1", "a", "name: bad\nrules:\n  - record: x\n    expr: '{a=\"b\"}'\n"), kPrefix);
  CHECK(r.status == 400);
  CHECK(r.body.find("expr: a rule needs a metric query") != std::string::npos);
  CHECK(f.rapi.change(f.req("POST", kPrefix + "/..", "a", kGroup), kPrefix).status == 400);

  CHECK(f.rapi.change(f.req("DELETE", kPrefix + "/ns1/g1", "a"), kPrefix).status == 202);
  CHECK(f.rapi.list(f.req("GET", kPrefix, "a"), kPrefix).status == 404);
  CHECK(f.ruler.groups("a").empty());
  CHECK(f.rapi.change(f.req("DELETE", kPrefix + "/ns1", "a"), kPrefix).status == 404);
}

TEST_CASE("ruler API: Prometheus's rules and alerts shapes") {
  Fixture f;
  REQUIRE(f.rapi.change(f.req("POST", kPrefix + "/ns1", "a", kGroup), kPrefix).status == 202);
  f.clock.advance(11 * kS);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (f.ruler.groups("a")[0].rules[0].health != "ok" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto rules = nlohmann::json::parse(f.rapi.prometheus_rules(f.req("GET", "/prometheus/api/v1/rules", "a")).body);
  CHECK(rules["status"] == "success");
  auto g = rules["data"]["groups"][0];
  CHECK(g["name"] == "g1");
  CHECK(g["file"] == "ns1");
  CHECK(g["interval"] == 10);
  auto rule = g["rules"][0];
  CHECK(rule["type"] == "alerting");
  CHECK(rule["name"] == "Many");
  CHECK(rule["state"] == "pending");
  CHECK(rule["health"] == "ok");
  CHECK(rule["duration"] == 60);
  CHECK(rule["labels"]["severity"] == "page");
  CHECK(rule["annotations"]["summary"] == "{{ $labels.app }}: {{ $value }}");
  CHECK(rule["alerts"][0]["annotations"]["summary"] == "x: 3");
  CHECK(rule["alerts"][0]["value"] == "3e+00");
  auto alerts = nlohmann::json::parse(f.rapi.prometheus_alerts(f.req("GET", "/prometheus/api/v1/alerts", "a")).body);
  REQUIRE(alerts["data"]["alerts"].size() == 1);
  CHECK(alerts["data"]["alerts"][0]["labels"]["alertname"] == "Many");
  CHECK(alerts["data"]["alerts"][0]["state"] == "pending");
  auto other = nlohmann::json::parse(f.rapi.prometheus_alerts(f.req("GET", "/prometheus/api/v1/alerts", "b")).body);
  CHECK(other["data"]["alerts"].empty());
  auto recording = f.rapi.prometheus_rules(f.req("GET", "/prometheus/api/v1/rules", "a"));
  CHECK(recording.status == 200);
}
