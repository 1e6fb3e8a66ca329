// The KV client, lifecycler and ring view against a real etcd. Skipped unless the environment
// names one; tests/e2e/ring_etcd_test.sh starts etcd on free loopback ports and runs this suite:
//   LOGKIT_TEST_ETCD_ENDPOINTS  comma-separated endpoints (required)
//   LOGKIT_TEST_ETCD_CTL        a command taking "stop" or "start" (waits until etcd is healthy):
//                               the restart cases need it
//   LOGKIT_TEST_ETCD_USER / LOGKIT_TEST_ETCD_PASSWORD
//                               etcd has auth enabled: every client uses them, and the
//                               authentication case runs (its etcd has --auth-token-ttl 2)
//   LOGKIT_TEST_ETCD_TLS_CA / _CERT / _KEY / _SERVER_NAME
//                               etcd serves https and wants a client certificate: every client
//                               uses them (tls_enabled), and the TLS case runs
// Real waits happen here (lease expiry, restarts), always as "eventually" with generous bounds;
// nothing asserts how long anything took.
#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "kv/etcd_client.h"
#include "kv/prefix_watch.h"
#include "ring/lifecycler.h"
#include "ring/ring.h"
#include "ring/tokens.h"
#include "../kv/watch_recorder.h"
#include "wait.h"

using ring_test::eventually;

namespace {

constexpr int64_t kMilli = 1'000'000;
constexpr auto kLong = std::chrono::seconds(30);  // bound for anything that waits on etcd

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool no_etcd() { return env("LOGKIT_TEST_ETCD_ENDPOINTS").empty(); }
bool no_ctl() { return no_etcd() || env("LOGKIT_TEST_ETCD_CTL").empty(); }
bool no_auth() { return no_etcd() || env("LOGKIT_TEST_ETCD_USER").empty(); }
bool no_tls() { return no_etcd() || env("LOGKIT_TEST_ETCD_TLS_CA").empty(); }

kv::EtcdConfig etcd_config(std::string user = env("LOGKIT_TEST_ETCD_USER"),
                           std::string password = env("LOGKIT_TEST_ETCD_PASSWORD")) {
  kv::EtcdConfig c;
  std::string list = env("LOGKIT_TEST_ETCD_ENDPOINTS");
  for (size_t start = 0; start <= list.size();) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) c.endpoints.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  c.dial_timeout_ns = 2'000 * kMilli;
  c.username = std::move(user);
  c.password = std::move(password);
  if (!env("LOGKIT_TEST_ETCD_TLS_CA").empty()) {
    c.tls_enabled = true;
    c.tls_ca_path = env("LOGKIT_TEST_ETCD_TLS_CA");
    c.tls_cert_path = env("LOGKIT_TEST_ETCD_TLS_CERT");
    c.tls_key_path = env("LOGKIT_TEST_ETCD_TLS_KEY");
    c.tls_server_name = env("LOGKIT_TEST_ETCD_TLS_SERVER_NAME");
  }
  return c;
}

std::unique_ptr<kv::EtcdClient> client(kv::EtcdConfig config = etcd_config()) {
  auto c = kv::EtcdClient::create(config);
  REQUIRE(c.ok());
  return std::move(*c);
}

// A prefix of its own for each case and run, under the one the test user may use.
std::string prefix_for(const std::string& name) {
  return "logkit-test/" + std::to_string(::getpid()) + "-" + std::to_string(util::system_clock().now_ns()) + "/" +
         name + "/";
}

void etcd_ctl(const std::string& what) {
  std::string command = env("LOGKIT_TEST_ETCD_CTL") + " " + what;
  REQUIRE(std::system(command.c_str()) == 0);
}

ring::LifecyclerConfig member(const std::string& prefix, const std::string& id, int n) {
  ring::LifecyclerConfig c;
  c.prefix = prefix;
  c.instance_id = id;
  c.instance_addr = "127.0.0.1:" + std::to_string(31000 + n);
  c.num_tokens = 64;
  c.heartbeat_period_ns = 250 * kMilli;
  c.heartbeat_timeout_ns = 1'000 * kMilli;  // lease TTL 2 s
  return c;
}

ring::RingConfig view_of(const std::string& prefix) {
  ring::RingConfig c;
  c.prefix = prefix;
  c.replication_factor = 3;
  c.heartbeat_timeout_ns = 1'000 * kMilli;
  return c;
}

}  // namespace

using Recorder = kv_test::WatchRecorder;

TEST_SUITE("real etcd") {

TEST_CASE("real etcd: put, get, prefix ranges, delete and compare-and-swap" * doctest::skip(no_etcd())) {
  auto kv = client();
  std::string p = prefix_for("crud");
  auto empty = kv->get_prefix(p);
  REQUIRE(empty.ok());
  CHECK(empty->kvs.empty());  // etcd leaves "kvs" out
  CHECK(empty->revision > 0);

  auto r1 = kv->put(p + "a", "1");
  REQUIRE(r1.ok());
  REQUIRE(kv->put(p + "b", std::string("bin\0ary\xff", 8)).ok());
  auto a = kv->get(p + "a");
  REQUIRE(a.ok());
  REQUIRE(a->has_value());
  CHECK((*a)->value == "1");
  CHECK((*a)->mod_revision == *r1);
  CHECK((*a)->version == 1);
  auto all = kv->get_prefix(p);
  REQUIRE(all.ok());
  REQUIRE(all->kvs.size() == 2);
  CHECK(all->kvs[1].value == std::string("bin\0ary\xff", 8));

  auto cas = kv->txn({kv::mod_revision_is(p + "a", *r1)}, {kv::put_op(p + "a", "2")}, {});
  REQUIRE(cas.ok());
  CHECK(cas->succeeded);
  auto lost = kv->txn({kv::mod_revision_is(p + "a", *r1)}, {kv::put_op(p + "a", "3")}, {kv::get_op(p + "a")});
  REQUIRE(lost.ok());
  CHECK_FALSE(lost->succeeded);
  REQUIRE(lost->gets.size() == 1);
  CHECK(lost->gets[0].kvs.at(0).value == "2");
  auto create = kv->txn({kv::key_missing(p + "a")}, {kv::put_op(p + "a", "x")}, {});
  REQUIRE(create.ok());
  CHECK_FALSE(create->succeeded);
  auto joined = kv->txn({kv::none_created_after(p, cas->revision)}, {kv::put_op(p + "c", "1")}, {});
  REQUIRE(joined.ok());
  CHECK(joined->succeeded);
  auto stale = kv->txn({kv::none_created_after(p, cas->revision)}, {kv::put_op(p + "d", "1")}, {});
  REQUIRE(stale.ok());
  CHECK_FALSE(stale->succeeded);  // c was created after that revision

  auto deleted = kv->del(p + "a");
  REQUIRE(deleted.ok());
  CHECK(*deleted == 1);
  CHECK(*kv->del(p + "a") == 0);
  CHECK(kv->put(p + "e", "1", 1).code() == util::ErrorCode::kNotFound);  // no such lease
}

TEST_CASE("real etcd: watch events, and a lease's expiry deleting its key" * doctest::skip(no_etcd())) {
  auto kv = client();
  std::string p = prefix_for("lease");
  auto start = kv->get_prefix(p);
  REQUIRE(start.ok());
  std::mutex mu;
  std::vector<kv::WatchEvent> events;
  std::atomic<bool> created{false};
  std::jthread watcher([&](std::stop_token stop) {
    kv::WatchStreamCallbacks cb;
    cb.on_created = [&](int64_t) { created = true; };
    cb.on_events = [&](const std::vector<kv::WatchEvent>& e, int64_t) {
      std::lock_guard lock(mu);
      events.insert(events.end(), e.begin(), e.end());
    };
    auto end = kv->watch_stream(p, start->revision + 1, cb, stop);
    CHECK(end.ok());
  });
  REQUIRE(eventually([&] { return created.load(); }, kLong));

  auto lease = kv->lease_grant(1);
  REQUIRE(lease.ok());
  CHECK(lease->ttl_seconds >= 1);  // etcd raises it to its minimum
  REQUIRE(kv->put(p + "leased", "v", lease->id).ok());
  REQUIRE(kv->put(p + "plain", "v").ok());
  REQUIRE(kv->del(p + "plain").ok());
  auto ttl = kv->lease_time_to_live(lease->id);
  REQUIRE(ttl.ok());
  CHECK(ttl->granted_ttl_seconds == lease->ttl_seconds);
  CHECK(ttl->keys == std::vector<std::string>{p + "leased"});
  REQUIRE(kv->lease_keep_alive(lease->id).ok());

  // No more keep-alives: etcd deletes the key when the lease expires.
  auto expired = [&] {
    std::lock_guard lock(mu);
    return events.size() == 4;
  };
  REQUIRE(eventually(expired, kLong));
  {
    std::lock_guard lock(mu);
    CHECK(events[0].type == kv::WatchEvent::Type::kPut);
    CHECK(events[0].kv.key == p + "leased");
    CHECK(events[0].kv.lease == lease->id);
    CHECK(events[1].kv.key == p + "plain");
    CHECK(events[2].type == kv::WatchEvent::Type::kDelete);
    CHECK(events[2].kv.key == p + "plain");
    CHECK(events[3].type == kv::WatchEvent::Type::kDelete);
    CHECK(events[3].kv.key == p + "leased");
  }
  CHECK_FALSE(kv->get(p + "leased")->has_value());
  CHECK(kv->lease_keep_alive(lease->id).code() == util::ErrorCode::kNotFound);
  CHECK(kv->lease_time_to_live(lease->id).code() == util::ErrorCode::kNotFound);

  auto revoked = kv->lease_grant(30);
  REQUIRE(revoked.ok());
  REQUIRE(kv->put(p + "r", "v", revoked->id).ok());
  REQUIRE(kv->lease_revoke(revoked->id).ok());
  CHECK_FALSE(kv->get(p + "r")->has_value());
  watcher.request_stop();
}

TEST_CASE("real etcd: three lifecyclers form a ring; a killed one disappears after its lease TTL" *
          doctest::skip(no_etcd())) {
  auto kv = client();
  std::string p = prefix_for("ring");
  std::vector<std::unique_ptr<ring::Lifecycler>> members;
  for (int i = 1; i <= 3; ++i) {
    members.push_back(std::make_unique<ring::Lifecycler>(*kv, util::system_clock(), member(p, "ingester-" + std::to_string(i), i)));
    REQUIRE(members.back()->start().ok());
  }
  ring::Ring view(*kv, util::system_clock(), view_of(p));
  REQUIRE(view.start().ok());
  REQUIRE(eventually([&] { return view.instances().size() == 3; }, kLong));
  CHECK(view.stats().joining == 3);
  for (auto& m : members) REQUIRE(m->set_ready().ok());
  REQUIRE(eventually([&] { return view.stats().active == 3 && view.stats().healthy == 3; }, kLong));

  std::set<uint32_t> tokens;
  for (const auto& i : view.instances()) tokens.insert(i.desc.tokens.begin(), i.desc.tokens.end());
  CHECK(tokens.size() == 192);  // 3 x 64, no token twice
  // Lookups answer from the view's copy; "eventually" because on a loaded machine a heartbeat may
  // be late past the 1 s timeout for a moment.
  auto full_set = [&](uint32_t key, size_t size, int max_errors) {
    auto set = view.get(key, ring::kWrite);
    return set.ok() && set->instances.size() == size && set->max_errors == max_errors;
  };
  CHECK(eventually([&] { return full_set(ring::token_for("fake", "{app=\"x\"}"), 3, 1); }, kLong));
  auto ttl = kv->lease_time_to_live(members[0]->lease_id());
  REQUIRE(ttl.ok());
  CHECK(ttl->granted_ttl_seconds == 2);

  // "kill -9": no more heartbeats, nothing deleted: the lease expires and takes the key.
  members[2]->halt();
  REQUIRE(eventually([&] { return view.instances().size() == 2; }, kLong));
  CHECK_FALSE(kv->get(members[2]->key())->has_value());
  CHECK(eventually([&] { return view.stats().healthy == 2 && full_set(12345, 2, 0); }, kLong));

  // A clean shutdown: LEAVING, then the key is removed at once.
  REQUIRE(members[1]->begin_leaving().ok());
  REQUIRE(eventually([&] { return view.stats().leaving == 1; }, kLong));
  REQUIRE(members[1]->stop().ok());
  REQUIRE(eventually([&] { return view.instances().size() == 1; }, kLong));
  CHECK(members[0]->stats().kv_failures == 0);
  REQUIRE(members[0]->stop().ok());
  REQUIRE(eventually([&] { return view.instances().empty(); }, kLong));
}

TEST_CASE("real etcd: a watch resumes after etcd restarts, missing nothing" * doctest::skip(no_ctl())) {
  auto kv = client();
  std::string p = prefix_for("resume");
  REQUIRE(kv->put(p + "a", "1").ok());
  Recorder rec;
  std::jthread watcher([&](std::stop_token stop) { kv::run_prefix_watch(*kv, util::system_clock(), p, rec.handler(), stop); });
  REQUIRE(eventually([&] { return rec.with([&] { return rec.snapshots == 1; }); }, kLong));
  REQUIRE(kv->put(p + "b", "2").ok());
  REQUIRE(eventually([&] { return rec.with([&] { return rec.log.size() == 1; }); }, kLong));

  etcd_ctl("stop");
  REQUIRE(eventually([&] { return rec.with([&] { return rec.errors >= 1; }); }, kLong));
  etcd_ctl("start");
  auto other = client();  // a second client writes while the watcher may still be backing off
  REQUIRE(eventually([&] { return other->put(p + "c", "3").ok(); }, kLong));
  REQUIRE(other->del(p + "a").ok());
  REQUIRE(eventually([&] { return rec.with([&] { return rec.log.size() == 3; }); }, kLong));
  rec.with([&] {
    CHECK(rec.log == std::vector<std::string>{"put " + p + "b", "put " + p + "c", "delete " + p + "a"});
    CHECK(rec.snapshots == 1);  // resumed from its revision, not re-read
    CHECK(rec.contents == std::map<std::string, std::string>{{p + "b", "2"}, {p + "c", "3"}});
    return 0;
  });
  watcher.request_stop();
}

TEST_CASE("real etcd: etcd away for a few seconds: the view keeps its copy and heartbeats resume" *
          doctest::skip(no_ctl())) {
  auto kv = client();
  std::string p = prefix_for("outage");
  std::atomic<int> warnings{0}, recoveries{0};
  ring::LifecyclerHooks hooks;
  hooks.on_kv_error = [&](const util::Error&, int64_t) { ++warnings; };
  hooks.on_kv_recovered = [&](int64_t) { ++recoveries; };
  std::vector<std::unique_ptr<ring::Lifecycler>> members;
  for (int i = 1; i <= 3; ++i) {
    members.push_back(std::make_unique<ring::Lifecycler>(*kv, util::system_clock(), member(p, "i-" + std::to_string(i), i), hooks));
    REQUIRE(members.back()->start().ok());
    REQUIRE(eventually([&] { return members.back()->registered(); }, kLong));
    REQUIRE(members.back()->set_ready().ok());
  }
  std::atomic<int> stale_calls{0}, fresh_calls{0};
  ring::Ring view(*kv, util::system_clock(), view_of(p),
                  ring::RingHooks{[&](const util::Error&) { ++stale_calls; }, [&](int64_t) { ++fresh_calls; }});
  REQUIRE(view.start().ok());
  REQUIRE(eventually([&] { return view.stats().healthy == 3 && view.stats().active == 3; }, kLong));

  etcd_ctl("stop");
  REQUIRE(eventually([&] { return view.status().stale; }, kLong));
  REQUIRE(eventually([&] { return warnings.load() >= 3; }, kLong));
  std::this_thread::sleep_for(std::chrono::seconds(3));  // past the 1 s heartbeat timeout
  CHECK(view.status().stale);
  CHECK(view.instances().size() == 3);
  CHECK(view.stats().healthy == 3);  // the outage does not count against heartbeats
  auto set = view.get(42, ring::kWrite);
  REQUIRE(set.ok());
  CHECK(set->instances.size() == 3);

  etcd_ctl("start");
  REQUIRE(eventually([&] { return !view.status().stale; }, kLong));
  CHECK(stale_calls == 1);
  CHECK(fresh_calls == 1);
  std::vector<int64_t> beats;
  for (auto& m : members) beats.push_back(m->stats().heartbeats);
  REQUIRE(eventually([&] {
    for (size_t i = 0; i < members.size(); ++i) {
      if (members[i]->stats().heartbeats <= beats[i] || members[i]->stats().consecutive_failures != 0) return false;
    }
    return true;
  }, kLong));
  CHECK(recoveries >= 3);
  REQUIRE(eventually([&] { return view.stats().healthy == 3 && view.instances().size() == 3; }, kLong));
  for (auto& m : members) CHECK(m->stats().lease_losses == 0);  // etcd kept the leases
  for (auto& m : members) REQUIRE(m->stop().ok());
}

TEST_CASE("real etcd: authentication, and a token refreshed after it expired" * doctest::skip(no_auth())) {
  auto kv = client();
  std::string p = prefix_for("auth");
  REQUIRE(kv->put(p + "a", "1").ok());
  CHECK(kv->authentications() == 1);
  auto got = kv->get(p + "a");
  REQUIRE(got.ok());
  CHECK(got->has_value());

  // The watch stream carries the token too.
  std::atomic<bool> created{false};
  std::jthread watcher([&](std::stop_token stop) {
    kv::WatchStreamCallbacks cb;
    cb.on_created = [&](int64_t) { created = true; };
    CHECK(kv->watch_stream(p, 0, cb, stop).ok());
  });
  REQUIRE(eventually([&] { return created.load(); }, kLong));
  watcher.request_stop();
  watcher.join();

  // etcd runs with --auth-token-ttl 2: an idle token expires; the client authenticates again.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  REQUIRE(kv->get(p + "a").ok());
  CHECK(kv->authentications() == 2);

  auto wrong = client(etcd_config(env("LOGKIT_TEST_ETCD_USER"), "wrong-password"));
  CHECK(wrong->get(p + "a").code() == util::ErrorCode::kUnauthenticated);
  auto anonymous = client(etcd_config("", ""));
  CHECK(anonymous->get(p + "a").code() == util::ErrorCode::kUnauthenticated);
  auto outside = kv->put("not-the-ring-prefix", "x");
  CHECK(outside.code() == util::ErrorCode::kPermissionDenied);
}

TEST_CASE("real etcd: TLS with a client certificate, a CA and a server name" * doctest::skip(no_tls())) {
  std::string p = prefix_for("tls");
  auto kv = client();  // CA, client certificate and server name from the environment
  REQUIRE(kv->put(p + "a", "1").ok());
  CHECK(kv->get(p + "a")->value().value == "1");

  // The certificate names the server name, not the address: without it verification fails.
  auto no_name = etcd_config();
  no_name.tls_server_name.clear();
  CHECK(client(no_name)->get(p + "a").code() == util::ErrorCode::kUnavailable);
  auto skip_verify = no_name;
  skip_verify.tls_ca_path.clear();
  skip_verify.tls_insecure_skip_verify = true;
  auto unverified = client(skip_verify)->get(p + "a");
  REQUIRE(unverified.ok());
  CHECK(unverified->has_value());
  // etcd wants a client certificate.
  auto anonymous = etcd_config();
  anonymous.tls_cert_path.clear();
  anonymous.tls_key_path.clear();
  CHECK(client(anonymous)->get(p + "a").code() == util::ErrorCode::kUnavailable);
}

}  // TEST_SUITE
