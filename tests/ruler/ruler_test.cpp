#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "fsutil/atomic_file.h"
#include "ruler/ruler.h"

namespace {

constexpr int64_t kS = 1'000'000'000;

// Answers queries from a table; counts calls per tenant.
struct TableEngine : ruler::QueryEngine {
  std::mutex mu;
  std::map<std::string, logql::QueryResult> results;
  std::map<std::string, int> calls;
  util::Result<logql::QueryResult> instant_query(const std::string& tenant, const std::string& q, int64_t) override {
    std::lock_guard lock(mu);
    ++calls[tenant];
    auto it = results.find(q);
    if (it == results.end()) return util::invalid_argument("no result for " + q);
    return it->second;
  }
  void set(const std::string& q, double v, model::LabelSet l = model::LabelSet{{"app", "x"}}) {
    std::lock_guard lock(mu);
    logql::QueryResult r;
    r.type = logql::ResultType::Vector;
    if (!std::isnan(v)) r.vector.push_back({std::move(l), {0, v}});
    results[q] = r;
  }
  int count(const std::string& tenant) {
    std::lock_guard lock(mu);
    return calls[tenant];
  }
};

struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("ruler-test-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string str() const { return path.string(); }
  std::filesystem::path path;
  static inline int counter = 0;
};

const char* kAlertFile = R"Y(groups:
  - name: panics
    interval: 10s
    rules:
      - alert: Panics
        expr: count_over_time({app="x"} |= "panic" [1m]) > 0
        for: 30s
)Y";

template <class F>
bool eventually(F f) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!f()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

ruler::RulerOptions options(const TempDir& dir) {
  ruler::RulerOptions o;
  o.evaluation_interval_ns = 10 * kS;
  o.poll_interval_ns = 3600 * kS;
  o.rule_path = dir.str() + "/state";
  return o;
}

}  // namespace

TEST_CASE("ruler: a bad rule file is reported with its position while the other files run") {
  TempDir dir;
  ruler::LocalRuleStore store(dir.str() + "/rules");
  REQUIRE(store.write_namespace("t1", "good", kAlertFile).ok());
  REQUIRE(store.write_namespace("t1", "bad", "groups:\n  - name: b\n    rules:\n      - alert: B\n        expr: 'sum('\n").ok());
  TableEngine engine;
  engine.set(R"(count_over_time({app="x"} |= "panic" [1m]) > 0)", 2);
  util::FakeClock clock(1000 * kS);
  ruler::Ruler r(options(dir), store, engine, clock);
  r.start();
  auto errs = r.load_errors("t1");
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].to_string().find("bad.yaml:4:9: group \"b\", rule 1 (\"B\"): expr: parse error") != std::string::npos);
  auto groups = r.groups("t1");
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].name == "panics");
  CHECK(groups[0].rules[0].health == "unknown");

  clock.advance(11 * kS);
  REQUIRE(eventually([&] { return r.groups("t1")[0].rules[0].health == "ok"; }));
  auto g = r.groups("t1")[0];
  CHECK(g.rules[0].state == ruler::AlertState::kPending);
  REQUIRE(g.rules[0].alerts.size() == 1);
  CHECK(r.stats().groups[0].iterations >= 1);
  CHECK(r.groups("t2").empty());  // tenants see only their own
  r.stop();
}

TEST_CASE("ruler: a restart keeps a pending alert's ActiveAt (its `for` is not reset)") {
  TempDir dir;
  ruler::LocalRuleStore store(dir.str() + "/rules");
  REQUIRE(store.write_namespace("t1", "good", kAlertFile).ok());
  TableEngine engine;
  engine.set(R"(count_over_time({app="x"} |= "panic" [1m]) > 0)", 2);
  util::FakeClock clock(1000 * kS);
  int64_t active_at = 0;
  {
    ruler::Ruler r(options(dir), store, engine, clock);
    r.start();
    clock.advance(11 * kS);
    REQUIRE(eventually([&] { return !r.groups("t1")[0].rules[0].alerts.empty(); }));
    active_at = r.groups("t1")[0].rules[0].alerts[0].active_at;
    r.stop();
  }
  CHECK(std::filesystem::exists(dir.str() + "/state/t1/alerts.json"));
  clock.advance(5 * kS);
  ruler::Ruler r2(options(dir), store, engine, clock);
  r2.start();
  auto g = r2.groups("t1")[0];
  REQUIRE(g.rules[0].alerts.size() == 1);
  CHECK(g.rules[0].alerts[0].active_at == active_at);
  CHECK(g.rules[0].alerts[0].state == ruler::AlertState::kPending);
  r2.stop();
}

TEST_CASE("ruler: a broken edit keeps the last good version of a file; removed files stop") {
  TempDir dir;
  ruler::LocalRuleStore store(dir.str() + "/rules");
  REQUIRE(store.write_namespace("t1", "good", kAlertFile).ok());
  TableEngine engine;
  util::FakeClock clock(1000 * kS);
  ruler::Ruler r(options(dir), store, engine, clock);
  r.start();
  REQUIRE(r.groups("t1").size() == 1);
  REQUIRE(store.write_namespace("t1", "good", "groups: [[[").ok());
  r.sync();
  CHECK(r.groups("t1").size() == 1);
  CHECK(r.load_errors("t1").size() == 1);
  REQUIRE(store.delete_namespace("t1", "good").ok());
  r.sync();
  CHECK(r.groups("t1").empty());
  CHECK(r.load_errors("t1").empty());
  r.stop();
}

TEST_CASE("rule store: groups are set, read and deleted per tenant and namespace") {
  TempDir dir;
  ruler::LocalRuleStore store(dir.str());
  ruler::RuleGroup g;
  g.name = "g1";
  ruler::Rule rule;
  rule.record = "x:y";
  rule.expr = "vector(1)";
  g.rules.push_back(rule);
  REQUIRE(store.set_group("a", "ns", g).ok());
  g.name = "g2";
  REQUIRE(store.set_group("a", "ns", g).ok());
  auto groups = ruler::read_rule_groups(store, "a", "ns");
  REQUIRE(groups.ok());
  CHECK(groups->size() == 2);
  CHECK(*store.list_tenants() == std::vector<std::string>{"a"});
  CHECK(*store.list_namespaces("a") == std::vector<std::string>{"ns"});
  CHECK(store.list_namespaces("b")->empty());
  CHECK(store.delete_group("a", "ns", "nope").code() == util::ErrorCode::kNotFound);
  REQUIRE(store.delete_group("a", "ns", "g1").ok());
  REQUIRE(store.delete_group("a", "ns", "g2").ok());
  CHECK(store.list_namespaces("a")->empty());
  CHECK_FALSE(store.set_group("a", "../x", g).ok());
}
