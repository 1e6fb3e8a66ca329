#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "kv/memory_kv.h"
#include "ring/lifecycler.h"
#include "wait.h"
#include "ring/tokens.h"

using ring::InstanceState;
using ring_test::eventually;

namespace {

constexpr int64_t kSecond = 1'000'000'000;
const std::string kPrefix = "collectors/ingester";

ring::LifecyclerConfig config_for(const std::string& id, uint64_t seed = 1) {
  ring::LifecyclerConfig c;
  c.prefix = kPrefix;
  c.instance_id = id;
  c.instance_addr = "127.0.0.1:" + std::to_string(3100 + seed);
  c.num_tokens = 16;
  c.heartbeat_period_ns = 5 * kSecond;
  c.heartbeat_timeout_ns = 10 * kSecond;  // lease TTL 20 s
  c.random_seed = seed;
  return c;
}

std::optional<ring::InstanceDesc> stored(kv::KvClient& kv, const std::string& id) {
  auto v = kv.get(ring::instance_key(kPrefix, id));
  REQUIRE(v.ok());
  if (!v->has_value()) return std::nullopt;
  auto d = ring::decode_instance((*v)->value);
  REQUIRE(d.ok());
  return *d;
}

// Delegates to a store, and runs `before_txn` once just before the first transaction: another
// instance joining between our read of the ring and our registration.
class InterposingKv : public kv::KvClient {
 public:
  explicit InterposingKv(kv::KvClient& inner) : inner_(inner) {}
  std::function<void()> before_txn;
  int txns = 0;

  util::Result<std::optional<kv::KeyValue>> get(const std::string& k) override { return inner_.get(k); }
  util::Result<kv::RangeResult> get_prefix(const std::string& p) override { return inner_.get_prefix(p); }
  util::Result<int64_t> put(const std::string& k, const std::string& v, int64_t l) override { return inner_.put(k, v, l); }
  util::Result<int64_t> del(const std::string& k) override { return inner_.del(k); }
  util::Result<kv::TxnResult> txn(const std::vector<kv::Compare>& c, const std::vector<kv::TxnOp>& s,
                                  const std::vector<kv::TxnOp>& f) override {
    ++txns;
    if (before_txn) std::exchange(before_txn, nullptr)();
    return inner_.txn(c, s, f);
  }
  util::Result<kv::LeaseGrant> lease_grant(int64_t ttl) override { return inner_.lease_grant(ttl); }
  util::Result<int64_t> lease_keep_alive(int64_t id) override { return inner_.lease_keep_alive(id); }
  util::Status lease_revoke(int64_t id) override { return inner_.lease_revoke(id); }
  util::Result<kv::LeaseTimeToLive> lease_time_to_live(int64_t id) override { return inner_.lease_time_to_live(id); }
  util::Result<kv::WatchEnd> watch_stream(const std::string& p, int64_t r, const kv::WatchStreamCallbacks& cb,
                                          std::stop_token s) override {
    return inner_.watch_stream(p, r, cb, s);
  }
  std::string describe() const override { return "interposing"; }

 private:
  kv::KvClient& inner_;
};

}  // namespace

TEST_CASE("lifecycler: registers JOINING under a lease, heartbeats, goes ACTIVE, LEAVING, and leaves") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  ring::Lifecycler l(store, clock, config_for("ingester-1"));
  REQUIRE(l.tick().ok());
  CHECK(l.registered());
  auto d = stored(store, "ingester-1");
  REQUIRE(d);
  CHECK(d->state == InstanceState::kJoining);
  CHECK(d->addr == "127.0.0.1:3101");
  CHECK(d->tokens.size() == 16);
  CHECK(d->tokens == l.tokens());
  CHECK(d->heartbeat_unix_ms == clock.now_ns() / 1'000'000);
  CHECK(d->registered_unix_ms == clock.now_ns() / 1'000'000);
  CHECK(l.lease_ttl_seconds() == 20);
  auto ttl = store.lease_time_to_live(l.lease_id());
  REQUIRE(ttl.ok());
  CHECK(ttl->keys == std::vector<std::string>{l.key()});

  clock.advance(5 * kSecond);
  REQUIRE(l.tick().ok());
  CHECK(stored(store, "ingester-1")->heartbeat_unix_ms == clock.now_ns() / 1'000'000);
  CHECK(l.stats().heartbeats == 1);
  clock.advance(15 * kSecond);  // 20 s after the grant, 15 s after the keep-alive
  store.expire_leases();
  CHECK(stored(store, "ingester-1"));

  REQUIRE(l.set_ready().ok());
  CHECK(stored(store, "ingester-1")->state == InstanceState::kActive);
  REQUIRE(l.begin_leaving().ok());
  CHECK(stored(store, "ingester-1")->state == InstanceState::kLeaving);
  int64_t lease = l.lease_id();
  REQUIRE(l.stop().ok());
  CHECK_FALSE(stored(store, "ingester-1"));
  CHECK(store.lease_time_to_live(lease).code() == util::ErrorCode::kNotFound);
  CHECK(l.stop().ok());  // idempotent
}

TEST_CASE("lifecycler: tokens never collide with the ring's, even when instances join at once") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  // Same seed: b would draw exactly a's tokens if it did not avoid them.
  ring::Lifecycler a(store, clock, config_for("a", 7));
  REQUIRE(a.tick().ok());
  ring::Lifecycler b(store, clock, config_for("b", 7));
  REQUIRE(b.tick().ok());
  auto a_tokens = a.tokens();
  std::set<uint32_t> all(a_tokens.begin(), a_tokens.end());
  for (uint32_t t : b.tokens()) CHECK(all.insert(t).second);

  // c reads the ring, then d (same seed as c) registers before c writes: c's transaction fails,
  // c reads again and draws new tokens.
  InterposingKv racing(store);
  ring::Lifecycler c(racing, clock, config_for("c", 11));
  ring::Lifecycler d(store, clock, config_for("d", 11));
  racing.before_txn = [&] { REQUIRE(d.tick().ok()); };
  REQUIRE(c.tick().ok());
  CHECK(racing.txns == 2);
  for (uint32_t t : c.tokens()) CHECK(all.insert(t).second);
  for (uint32_t t : d.tokens()) CHECK(all.insert(t).second);
  CHECK(all.size() == 64);
}

TEST_CASE("lifecycler: registers again with the same tokens after its lease or key is lost") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  ring::Lifecycler l(store, clock, config_for("i"));
  REQUIRE(l.tick().ok());
  REQUIRE(l.set_ready().ok());
  auto tokens = l.tokens();
  int64_t first_lease = l.lease_id();

  clock.advance(25 * kSecond);  // a long pause: the 20 s lease expired
  store.expire_leases();
  CHECK_FALSE(stored(store, "i"));
  REQUIRE(l.tick().ok());
  auto back = stored(store, "i");
  REQUIRE(back);
  CHECK(back->tokens == tokens);
  CHECK(back->state == InstanceState::kActive);
  CHECK(l.lease_id() != first_lease);
  CHECK(l.stats().lease_losses == 1);
  CHECK(l.stats().registrations == 2);

  REQUIRE(store.del(l.key()).ok());  // an operator's "forget"
  REQUIRE(l.tick().ok());
  CHECK(stored(store, "i"));
  CHECK(l.stats().lease_losses == 2);
  CHECK(l.tokens() == tokens);
}

TEST_CASE("lifecycler: an id another live process uses is refused, and taken over once that one is gone") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  ring::Lifecycler first(store, clock, config_for("same", 1));
  REQUIRE(first.tick().ok());
  auto other = config_for("same", 2);  // another address
  ring::Lifecycler second(store, clock, other);
  auto refused = second.tick();
  CHECK(refused.code() == util::ErrorCode::kInvalidArgument);
  CHECK(refused.error().find("instance id same is in use by 127.0.0.1:3101") != std::string::npos);
  CHECK_FALSE(second.registered());
  CHECK(stored(store, "same")->addr == "127.0.0.1:3101");

  // The first one's key written behind its back: its next heartbeat does not overwrite it.
  auto theirs = *stored(store, "same");
  theirs.addr = "10.0.0.9:3100";
  REQUIRE(store.put(first.key(), ring::encode_instance(theirs)).ok());
  CHECK(first.tick().error().find("in use by 10.0.0.9:3100") != std::string::npos);
  CHECK(stored(store, "same")->addr == "10.0.0.9:3100");

  first.halt();
  clock.advance(11 * kSecond);  // the other one's heartbeat is past the 10 s timeout
  REQUIRE(second.tick().ok());
  CHECK(stored(store, "same")->addr == "127.0.0.1:3102");
  CHECK(second.tokens() == theirs.tokens);
}

TEST_CASE("lifecycler: counts store failures, reports them, and recovers") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  std::vector<int64_t> errors;
  int64_t recovered_after = 0;
  ring::LifecyclerHooks hooks;
  hooks.on_kv_error = [&](const util::Error& e, int64_t n) {
    CHECK(e.code == util::ErrorCode::kUnavailable);
    errors.push_back(n);
  };
  hooks.on_kv_recovered = [&](int64_t n) { recovered_after = n; };
  ring::Lifecycler l(store, clock, config_for("i"), hooks);
  store.set_unavailable(true);
  CHECK(l.tick().code() == util::ErrorCode::kUnavailable);  // cannot register yet
  CHECK_FALSE(l.registered());
  store.set_unavailable(false);
  REQUIRE(l.tick().ok());
  CHECK(recovered_after == 1);
  store.set_unavailable(true);
  CHECK_FALSE(l.tick().ok());
  CHECK_FALSE(l.set_ready().ok());  // remembered: written by the next heartbeat
  CHECK(errors == std::vector<int64_t>{1, 1, 2});
  CHECK(l.stats().kv_failures == 3);
  CHECK(l.stats().consecutive_failures == 2);
  CHECK(l.stats().last_error.find("unavailable") != std::string::npos);
  store.set_unavailable(false);
  REQUIRE(l.tick().ok());
  CHECK(recovered_after == 2);
  CHECK(l.stats().consecutive_failures == 0);
  CHECK(stored(store, "i")->state == InstanceState::kActive);
}

TEST_CASE("lifecycler: a restart keeps the tokens of its key or of its tokens file") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  auto dir = std::filesystem::temp_directory_path() / ("lifecycler-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<uint32_t> tokens;
  int64_t registered_ms = 0;
  {
    ring::Lifecycler first(store, clock, config_for("i", 1));
    REQUIRE(first.tick().ok());
    tokens = first.tokens();
    registered_ms = stored(store, "i")->registered_unix_ms;
    first.halt();  // killed: the key stays until its lease expires
  }
  clock.advance(3 * kSecond);
  auto restarted = config_for("i", 2);  // another random seed, the same address
  restarted.instance_addr = config_for("i", 1).instance_addr;
  ring::Lifecycler second(store, clock, restarted);
  REQUIRE(second.tick().ok());
  CHECK(second.tokens() == tokens);
  CHECK(stored(store, "i")->registered_unix_ms == registered_ms);
  REQUIRE(second.stop().ok());
  CHECK_FALSE(stored(store, "i"));

  auto with_file = config_for("j", 3);
  with_file.tokens_file_path = (dir / "tokens").string();
  std::vector<uint32_t> file_tokens;
  {
    ring::Lifecycler first(store, clock, with_file);
    REQUIRE(first.tick().ok());
    file_tokens = first.tokens();
    REQUIRE(first.stop().ok());
  }
  CHECK(*ring::load_tokens_file(with_file.tokens_file_path) == file_tokens);
  with_file.random_seed = 4;
  ring::Lifecycler again(store, clock, with_file);
  REQUIRE(again.tick().ok());
  CHECK(again.tokens() == file_tokens);
  std::filesystem::remove_all(dir);
}

TEST_CASE("lifecycler: the loop heartbeats on the clock and stop waits final_sleep while heartbeating") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  auto config = config_for("i");
  config.final_sleep_ns = 30 * kSecond;
  ring::Lifecycler l(store, clock, config);
  REQUIRE(l.start().ok());
  CHECK(l.start().code() == util::ErrorCode::kInvalidArgument);
  REQUIRE(eventually([&] { return l.registered() && clock.sleepers() == 1; }));
  clock.advance(5 * kSecond);
  REQUIRE(eventually([&] { return l.stats().heartbeats == 1 && clock.sleepers() == 1; }));

  std::thread stopper([&] { CHECK(l.stop().ok()); });
  REQUIRE(eventually([&] { return clock.sleepers() == 2; }));  // the loop and final_sleep
  CHECK(stored(store, "i")->state == InstanceState::kLeaving);
  clock.advance(5 * kSecond);
  // Heartbeats: the one at 5 s, the LEAVING write, and this one.
  REQUIRE(eventually([&] { return l.stats().heartbeats == 3 && clock.sleepers() == 2; }));
  CHECK(stored(store, "i")->heartbeat_unix_ms == clock.now_ns() / 1'000'000);
  clock.advance(25 * kSecond);
  stopper.join();
  CHECK_FALSE(stored(store, "i"));
}

TEST_CASE("lifecycler: config errors name the key") {
  auto c = config_for("i");
  CHECK(ring::Lifecycler::validate(c).ok());
  c.instance_id = "";
  CHECK(ring::Lifecycler::validate(c).error().find("common.ring.instance_id") != std::string::npos);
  c.instance_id = "a/b";
  CHECK(ring::Lifecycler::validate(c).error().find("must not contain '/'") != std::string::npos);
  c = config_for("i");
  c.num_tokens = 0;
  CHECK(ring::Lifecycler::validate(c).error().find("num_tokens") != std::string::npos);
  c = config_for("i");
  c.heartbeat_period_ns = c.heartbeat_timeout_ns;
  CHECK(ring::Lifecycler::validate(c).error().find("heartbeat_period: must be shorter") != std::string::npos);
  c = config_for("i");
  c.instance_addr = "";
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  ring::Lifecycler l(store, clock, c);
  CHECK(l.start().error().find("common.ring.instance_addr") != std::string::npos);
}
