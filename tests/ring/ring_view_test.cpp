#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "kv/memory_kv.h"
#include "ring/lifecycler.h"
#include "wait.h"
#include "ring/ring.h"
#include "ring/ring_page.h"

using ring::InstanceState;
using ring_test::eventually;

namespace {

constexpr int64_t kSecond = 1'000'000'000;
const std::string kPrefix = "collectors/ingester";

ring::LifecyclerConfig member(const std::string& id, uint64_t seed) {
  ring::LifecyclerConfig c;
  c.prefix = kPrefix;
  c.instance_id = id;
  c.instance_addr = "127.0.0.1:" + std::to_string(3100 + seed);
  c.num_tokens = 32;
  c.heartbeat_period_ns = 2 * kSecond;
  c.heartbeat_timeout_ns = 10 * kSecond;
  c.random_seed = seed;
  return c;
}

ring::RingConfig view_config() {
  ring::RingConfig c;
  c.prefix = kPrefix;
  c.replication_factor = 3;
  c.heartbeat_timeout_ns = 10 * kSecond;
  return c;
}

// Three members and a view over one in-memory store.
struct Cluster {
  util::FakeClock clock;
  kv::MemoryKv store{clock};
  std::vector<std::unique_ptr<ring::Lifecycler>> members;
  std::atomic<int> stale_calls{0};
  std::atomic<int> fresh_calls{0};
  ring::Ring view{store, clock, view_config(), ring::RingHooks{[this](const util::Error&) { ++stale_calls; },
                                                              [this](int64_t) { ++fresh_calls; }}};

  Cluster() {
    for (int i = 1; i <= 3; ++i) {
      members.push_back(std::make_unique<ring::Lifecycler>(store, clock, member("ingester-" + std::to_string(i), i)));
      REQUIRE(members.back()->tick().ok());
      REQUIRE(members.back()->set_ready().ok());
    }
  }
  ~Cluster() {
    view.stop();
    for (auto& m : members) m->halt();
  }
  void sync() { REQUIRE(view.wait_synced(store.revision(), std::chrono::seconds(10))); }
  void heartbeat_all() {
    for (auto& m : members) REQUIRE(m->tick().ok());
    sync();
  }
};

}  // namespace

TEST_CASE("ring view: follows the store through its watch") {
  Cluster c;
  CHECK(c.view.get(1, ring::kWrite).code() == util::ErrorCode::kUnavailable);  // not started
  REQUIRE(c.view.start().ok());
  c.sync();
  auto instances = c.view.instances();
  REQUIRE(instances.size() == 3);
  CHECK(instances[0].desc.id == "ingester-1");
  CHECK(instances[0].desc.state == InstanceState::kActive);
  double owned = 0;
  for (const auto& i : instances) owned += i.ownership_percent;
  CHECK(owned == doctest::Approx(100.0));

  for (uint32_t key : {0u, 12345u, 1u << 31, 4294967295u}) {
    auto set = c.view.get(key, ring::kWrite);
    REQUIRE(set.ok());
    CHECK(set->instances.size() == 3);
    CHECK(set->max_errors == 1);
  }

  // A member going LEAVING, a new one JOINING, one leaving for good: the view follows.
  REQUIRE(c.members[0]->begin_leaving().ok());
  c.members.push_back(std::make_unique<ring::Lifecycler>(c.store, c.clock, member("ingester-4", 4)));
  REQUIRE(c.members.back()->tick().ok());
  c.sync();
  auto stats = c.view.stats();
  CHECK(stats.active == 2);
  CHECK(stats.leaving == 1);
  CHECK(stats.joining == 1);
  CHECK(stats.tokens == 128);
  CHECK(c.view.get_all_healthy(ring::kWrite).instances.size() == 2);
  REQUIRE(c.members[0]->stop().ok());
  c.sync();
  CHECK(c.view.instances().size() == 3);

  // Something under the prefix that is not an instance is skipped and counted.
  REQUIRE(c.store.put(kPrefix + "/junk", "not json").ok());
  c.sync();
  CHECK(c.view.instances().size() == 3);
  CHECK(c.view.status().decode_errors == 1);
  CHECK(c.view.status().snapshots == 1);
}

TEST_CASE("ring view: heartbeats older than the timeout make instances unhealthy; expired leases remove them") {
  Cluster c;
  REQUIRE(c.view.start().ok());
  c.sync();
  c.clock.advance(9 * kSecond);
  REQUIRE(c.members[0]->tick().ok());
  REQUIRE(c.members[1]->tick().ok());
  c.sync();
  c.clock.advance(2 * kSecond);  // ingester-3 last heartbeat 11 s ago
  auto stats = c.view.stats();
  CHECK(stats.healthy == 2);
  CHECK(stats.unhealthy == 1);
  auto json = nlohmann::json::parse(ring::render_ring_json(ring::ring_page_of(c.view)));
  CHECK(json["shards"][2]["state"] == "UNHEALTHY");
  CHECK(json["shards"][0]["state"] == "ACTIVE");
  for (uint32_t key : {0u, 99999u, 3000000000u}) {
    auto set = c.view.get(key, ring::kWrite);
    REQUIRE(set.ok());
    CHECK(set->instances.size() == 2);
    CHECK(set->max_errors == 0);
    CHECK_FALSE(set->includes("ingester-3"));
  }
  c.clock.advance(2 * kSecond);
  REQUIRE(c.members[0]->tick().ok());
  c.sync();
  c.clock.advance(7 * kSecond);  // ingester-2's last heartbeat is 11 s old too: no quorum anywhere
  auto none = c.view.get(0, ring::kWrite);
  CHECK(none.code() == util::ErrorCode::kUnavailable);
  CHECK(c.view.get_replication_set_for_operation(ring::kRead).code() == util::ErrorCode::kUnavailable);

  c.members[2]->halt();
  c.clock.advance(10 * kSecond);  // 25 s since ingester-3's lease was renewed: past its 20 s TTL
  c.store.expire_leases();
  c.sync();
  CHECK_FALSE(c.view.state()->find("ingester-3"));
}

TEST_CASE("ring view: keeps its last good copy while the store is away, and the outage does not age heartbeats") {
  Cluster c;
  REQUIRE(c.view.start().ok());
  c.sync();
  c.clock.advance(1 * kSecond);
  int64_t away_at = c.clock.now_ns();
  c.store.set_unavailable(true);
  REQUIRE(eventually([&] { return c.view.status().stale && c.clock.sleepers() == 1; }));
  CHECK(c.view.status().stale_since_ns == away_at);
  CHECK(c.view.status().kv_errors == 1);
  CHECK(c.stale_calls == 1);

  // Past the heartbeat timeout (10 s) with nobody able to heartbeat, within the lease TTL (20 s).
  c.clock.advance(15 * kSecond);
  for (auto& m : c.members) CHECK_FALSE(m->tick().ok());
  auto set = c.view.get(777, ring::kWrite);
  REQUIRE(set.ok());
  CHECK(set->instances.size() == 3);
  CHECK(c.view.stats().healthy == 3);
  auto page = ring::ring_page_of(c.view);
  CHECK(page.stale);
  CHECK(ring::render_ring_html(page).find("has not answered since") != std::string::npos);
  CHECK(c.stale_calls == 1);  // once per outage

  // The watch retried when the clock moved, failed again, and backs off: then the store returns.
  REQUIRE(eventually([&] { return c.view.status().kv_errors == 2 && c.clock.sleepers() == 1; }));
  c.store.set_unavailable(false);
  c.clock.advance(3 * kSecond);  // past the watch's backoff
  REQUIRE(eventually([&] { return !c.view.status().stale; }));
  CHECK(c.fresh_calls == 1);
  CHECK(c.view.status().snapshots == 1);  // resumed, not re-read
  CHECK(c.view.stats().healthy == 3);     // 1 s of age before the outage, nothing since it ended
  c.heartbeat_all();
  c.clock.advance(9 * kSecond);
  CHECK(c.view.stats().healthy == 3);
  c.clock.advance(2 * kSecond);
  CHECK(c.view.stats().healthy == 0);  // ages run again once the store is back
}

TEST_CASE("ring view: config errors") {
  auto c = view_config();
  CHECK(ring::Ring::validate(c).ok());
  c.replication_factor = 0;
  CHECK(ring::Ring::validate(c).error().find("common.replication_factor") != std::string::npos);
  c = view_config();
  c.heartbeat_timeout_ns = -1;
  CHECK(ring::Ring::validate(c).error().find("common.ring.heartbeat_timeout") != std::string::npos);
}

TEST_CASE("ring page: Loki's JSON shape and an HTML table") {
  ring::RingPage page;
  page.now_ns = 1'700'000'005'123'000'000;
  ring::InstanceStatus a;
  a.desc.id = "ingester-<1>";
  a.desc.addr = "127.0.0.1:3100";
  a.desc.zone = "z1";
  a.desc.state = InstanceState::kActive;
  a.desc.tokens = {5, 10};
  a.desc.heartbeat_unix_ms = 1'700'000'004'000;
  a.desc.registered_unix_ms = 1'700'000'000'000;
  a.healthy = true;
  a.ownership_percent = 66.666;
  ring::InstanceStatus b = a;
  b.desc.id = "ingester-2";
  b.desc.registered_unix_ms = 0;
  b.healthy = false;
  b.ownership_percent = 33.334;
  page.instances = {a, b};

  auto j = nlohmann::json::parse(ring::render_ring_json(page));
  CHECK(j["now"] == "2023-11-14T22:13:25.123Z");
  REQUIRE(j["shards"].size() == 2);
  CHECK(j["shards"][0] == nlohmann::json{{"id", "ingester-<1>"},
                                         {"state", "ACTIVE"},
                                         {"address", "127.0.0.1:3100"},
                                         {"timestamp", "2023-11-14T22:13:24Z"},
                                         {"registered_timestamp", "2023-11-14T22:13:20Z"},
                                         {"zone", "z1"},
                                         {"tokens", {5, 10}}});
  CHECK(j["shards"][1]["state"] == "UNHEALTHY");
  CHECK(j["shards"][1]["registered_timestamp"] == "0001-01-01T00:00:00Z");

  std::string html = ring::render_ring_html(page);
  CHECK(html.find("<td>ingester-&lt;1&gt;</td>") != std::string::npos);
  CHECK(html.find("<td>UNHEALTHY</td>") != std::string::npos);
  CHECK(html.find("66.67%") != std::string::npos);
  CHECK(html.find("1.123s ago") != std::string::npos);
  CHECK(html.find("Show tokens") != std::string::npos);
  page.show_tokens = true;
  CHECK(ring::render_ring_html(page).find("Tokens:<br>5 10") != std::string::npos);
}
