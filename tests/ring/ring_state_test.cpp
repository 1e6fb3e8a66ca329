#include <doctest/doctest.h>

#include <algorithm>

#include "ring/ring_state.h"

using ring::InstanceDesc;
using ring::InstanceState;

namespace {

constexpr int64_t kNow = 1'700'000'100'000'000'000;  // ns
constexpr int64_t kNowMs = kNow / 1'000'000;
constexpr int64_t kSecond = 1'000'000'000;

InstanceDesc inst(std::string id, std::vector<uint32_t> tokens, InstanceState state = InstanceState::kActive,
                  std::string zone = "", int64_t heartbeat_ms = kNowMs) {
  InstanceDesc d;
  d.id = id;
  d.addr = id + ":3100";
  d.zone = std::move(zone);
  d.state = state;
  d.tokens = std::move(tokens);
  d.heartbeat_unix_ms = heartbeat_ms;
  d.registered_unix_ms = kNowMs - 60'000;
  return d;
}

std::vector<std::string> ids(const ring::ReplicationSet& s) {
  std::vector<std::string> out;
  for (const auto& d : s.instances) out.push_back(d.id);
  return out;
}

ring::RingOptions options(int rf = 3) { return ring::RingOptions{rf, 60 * kSecond, false}; }

}  // namespace

TEST_CASE("ring state: a key goes to the owner of the first token above it and the next distinct instances") {
  // Tokens on the ring: 100 a, 200 b, 300 c, 400 a, 500 b, 600 c.
  ring::RingState state({inst("a", {100, 400}), inst("b", {200, 500}), inst("c", {300, 600})});
  auto set = state.get(150, ring::kWrite, kNow, options());
  REQUIRE(set.ok());
  CHECK(ids(*set) == std::vector<std::string>{"b", "c", "a"});
  CHECK(set->max_errors == 1);  // quorum 2 of 3
  CHECK(set->min_success() == 2);

  auto exact = state.get(200, ring::kWrite, kNow, options());  // a token itself belongs to the next one
  REQUIRE(exact.ok());
  CHECK(ids(*exact) == std::vector<std::string>{"c", "a", "b"});
  auto wrapped = state.get(650, ring::kWrite, kNow, options());
  REQUIRE(wrapped.ok());
  CHECK(ids(*wrapped) == std::vector<std::string>{"a", "b", "c"});

  auto one = state.get(150, ring::kWrite, kNow, options(1));
  REQUIRE(one.ok());
  CHECK(ids(*one) == std::vector<std::string>{"b"});
  CHECK(one->max_errors == 0);

  // rf larger than the ring: every instance, quorum counted on rf.
  auto big = state.get(150, ring::kWrite, kNow, options(5));
  REQUIRE(big.ok());
  CHECK(big->instances.size() == 3);
  CHECK(big->max_errors == 0);  // 5/2+1 = 3 needed of 3
}

TEST_CASE("ring state: unhealthy instances are skipped and too many of them leave no quorum") {
  int64_t old = kNowMs - 61'000;  // past the 60 s heartbeat timeout
  ring::RingState one_down({inst("a", {100, 400}), inst("b", {200, 500}), inst("c", {300, 600}, InstanceState::kActive, "", old)});
  auto set = one_down.get(150, ring::kWrite, kNow, options());
  REQUIRE(set.ok());
  CHECK(ids(*set) == std::vector<std::string>{"b", "a"});
  CHECK(set->max_errors == 0);
  CHECK_FALSE(set->includes("c"));

  ring::RingState two_down({inst("a", {100, 400}, InstanceState::kActive, "", old), inst("b", {200, 500}),
                            inst("c", {300, 600}, InstanceState::kActive, "", old)});
  auto none = two_down.get(150, ring::kWrite, kNow, options());
  CHECK(none.code() == util::ErrorCode::kUnavailable);
  CHECK(none.error().find("at least 2 live replicas required, could only find 1") != std::string::npos);
  CHECK(none.error().find("unhealthy instances: c:3100,a:3100") != std::string::npos);

  // Exactly at the timeout still counts as alive.
  ring::RingState edge({inst("a", {100}, InstanceState::kActive, "", kNowMs - 60'000)});
  CHECK(edge.healthy(edge.instances()[0], ring::kWrite, kNow, options()));
  CHECK_FALSE(edge.healthy(edge.instances()[0], ring::kWrite, kNow + 1'000'000, options()));

  ring::RingState empty;
  CHECK(empty.get(1, ring::kWrite, kNow, options()).code() == util::ErrorCode::kUnavailable);
}

TEST_CASE("ring state: writes extend the set past JOINING and LEAVING instances, reads past JOINING") {
  // 100 a, 200 b, 250 d, 300 c, 400 a, 500 b, 600 c.
  auto ring_with_b = [](InstanceState b_state) {
    return ring::RingState({inst("a", {100, 400}), inst("b", {200, 500}, b_state), inst("c", {300, 600}),
                            inst("d", {250})});
  };
  auto joining = ring_with_b(InstanceState::kJoining);
  auto write = joining.get(150, ring::kWrite, kNow, options());
  REQUIRE(write.ok());
  CHECK(ids(*write) == std::vector<std::string>{"d", "c", "a"});  // b looked at, not written to
  CHECK(write->max_errors == 0);  // the set grew to 4: quorum 3

  auto no_extend = joining.get(150, ring::kWriteNoExtend, kNow, options());
  REQUIRE(no_extend.ok());
  CHECK(ids(*no_extend) == std::vector<std::string>{"d", "c"});
  CHECK(no_extend->max_errors == 0);

  auto read_joining = joining.get(150, ring::kRead, kNow, options());
  REQUIRE(read_joining.ok());
  CHECK(ids(*read_joining) == std::vector<std::string>{"d", "c", "a"});

  auto leaving = ring_with_b(InstanceState::kLeaving);
  auto write_leaving = leaving.get(150, ring::kWrite, kNow, options());
  REQUIRE(write_leaving.ok());
  CHECK(ids(*write_leaving) == std::vector<std::string>{"d", "c", "a"});
  auto read_leaving = leaving.get(150, ring::kRead, kNow, options());  // LEAVING still has the data
  REQUIRE(read_leaving.ok());
  CHECK(ids(*read_leaving) == std::vector<std::string>{"b", "d", "c"});
  CHECK(read_leaving->max_errors == 1);

  // Extension plus an unhealthy replica: 4 in the set, quorum 3, only 2 usable.
  auto bad = ring::RingState({inst("a", {100, 400}, InstanceState::kActive, "", kNowMs - 120'000),
                              inst("b", {200, 500}, InstanceState::kJoining), inst("c", {300, 600}), inst("d", {250})});
  CHECK(bad.get(150, ring::kWrite, kNow, options()).code() == util::ErrorCode::kUnavailable);
}

TEST_CASE("ring state: zone awareness puts replicas in distinct zones") {
  // 100 a(z1), 200 b(z1), 300 c(z2), 400 d(z3), 500 e(z2).
  ring::RingState state({inst("a", {100}, InstanceState::kActive, "z1"), inst("b", {200}, InstanceState::kActive, "z1"),
                         inst("c", {300}, InstanceState::kActive, "z2"), inst("d", {400}, InstanceState::kActive, "z3"),
                         inst("e", {500}, InstanceState::kActive, "z2")});
  ring::RingOptions zoned{3, 60 * kSecond, true};
  auto set = state.get(50, ring::kWrite, kNow, zoned);
  REQUIRE(set.ok());
  CHECK(ids(*set) == std::vector<std::string>{"a", "c", "d"});  // b shares a's zone
  auto plain = state.get(50, ring::kWrite, kNow, options());
  REQUIRE(plain.ok());
  CHECK(ids(*plain) == std::vector<std::string>{"a", "b", "c"});

  // A JOINING instance's replacement comes from its own zone.
  ring::RingState joining({inst("a", {100}, InstanceState::kJoining, "z1"), inst("b", {200}, InstanceState::kActive, "z1"),
                           inst("c", {300}, InstanceState::kActive, "z2"), inst("d", {400}, InstanceState::kActive, "z3")});
  auto extended = joining.get(50, ring::kWrite, kNow, zoned);
  REQUIRE(extended.ok());
  CHECK(ids(*extended) == std::vector<std::string>{"b", "c", "d"});
}

TEST_CASE("ring state: all healthy, and the replication set of an operation on every instance") {
  int64_t old = kNowMs - 61'000;
  ring::RingState state({inst("a", {100}), inst("b", {200}, InstanceState::kJoining), inst("c", {300}),
                         inst("d", {400}, InstanceState::kActive, "", old)});
  CHECK(ids(state.get_all_healthy(ring::kWrite, kNow, options())) == std::vector<std::string>{"a", "c"});
  CHECK(ids(state.get_all_healthy(ring::kReporting, kNow, options())) == std::vector<std::string>{"a", "b", "c"});

  ring::RingState four({inst("a", {100}), inst("b", {200}), inst("c", {300}), inst("d", {400})});
  auto all = four.get_replication_set_for_operation(ring::kRead, kNow, options());
  REQUIRE(all.ok());
  CHECK(all->instances.size() == 4);
  CHECK(all->max_errors == 1);  // 4 - 3/2 = 3 required
  auto one_down = state.get_replication_set_for_operation(ring::kRead, kNow, options());
  CHECK(one_down.code() == util::ErrorCode::kUnavailable);  // b (JOINING) and d (old) are both out
}

TEST_CASE("ring state: statistics, ownership and conflicting tokens") {
  ring::RingState state({inst("a", {0, 1u << 31}), inst("b", {1u << 30}),
                         inst("c", {3u << 30}, InstanceState::kLeaving, "", kNowMs - 61'000)});
  auto stats = state.stats(kNow, options());
  CHECK(stats.active == 2);
  CHECK(stats.leaving == 1);
  CHECK(stats.joining == 0);
  CHECK(stats.healthy == 2);
  CHECK(stats.unhealthy == 1);
  CHECK(stats.tokens == 4);
  CHECK(stats.conflicting_tokens == 0);
  auto described = state.describe(kNow, options());
  REQUIRE(described.size() == 3);
  // a owns (3/4, 1] and (1/4, 1/2]: half; b owns (0, 1/4]; c owns (1/2, 3/4].
  CHECK(described[0].ownership_percent == doctest::Approx(50.0));
  CHECK(described[1].ownership_percent == doctest::Approx(25.0));
  CHECK(described[2].ownership_percent == doctest::Approx(25.0));
  CHECK_FALSE(described[2].healthy);

  ring::RingState clash({inst("a", {100, 200}), inst("b", {200, 300})});
  CHECK(clash.stats(kNow, options()).conflicting_tokens == 1);
  CHECK(clash.stats(kNow, options()).tokens == 3);
  auto owner = clash.get(150, ring::kWrite, kNow, options(1));
  REQUIRE(owner.ok());
  CHECK(ids(*owner) == std::vector<std::string>{"a"});  // the first id keeps a shared token
}

TEST_CASE("ring state: time the store was away does not count against heartbeats") {
  InstanceDesc a = inst("a", {100}, InstanceState::kActive, "", kNowMs - 50'000);
  ring::RingOptions opts = options();
  // Away since 10 s after a's last heartbeat, for 100 s so far: a's age is 10 s, not 110 s.
  ring::RingState ongoing({a}, nullptr, ring::StoreOutage{kNow - 40 * kSecond, 0});
  CHECK(ongoing.heartbeat_age_ns(ongoing.instances()[0], kNow + 60 * kSecond) == 10 * kSecond);
  CHECK(ongoing.healthy(ongoing.instances()[0], ring::kWrite, kNow + 60 * kSecond, opts));
  // Back after 40 s: ages run again from then.
  ring::RingState over({a}, nullptr, ring::StoreOutage{kNow - 40 * kSecond, kNow});
  CHECK(over.heartbeat_age_ns(over.instances()[0], kNow + 45 * kSecond) == 55 * kSecond);
  CHECK(over.healthy(over.instances()[0], ring::kWrite, kNow + 45 * kSecond, opts));
  CHECK_FALSE(over.healthy(over.instances()[0], ring::kWrite, kNow + 51 * kSecond, opts));
  // A heartbeat after the outage is aged normally.
  InstanceDesc fresh = inst("b", {200}, InstanceState::kActive, "", kNowMs + 1'000);
  ring::RingState later({fresh}, nullptr, ring::StoreOutage{kNow - 40 * kSecond, kNow});
  CHECK(later.heartbeat_age_ns(later.instances()[0], kNow + 5 * kSecond) == 4 * kSecond);
}

TEST_CASE("ring state: a heartbeat-only change shares the token table") {
  ring::RingState first({inst("a", {100}), inst("b", {200})});
  auto moved = first.instances();
  moved[0].heartbeat_unix_ms += 5'000;
  ring::RingState second(moved, &first);
  auto set = second.get(50, ring::kWrite, kNow, options(1));
  REQUIRE(set.ok());
  CHECK(set->instances[0].heartbeat_unix_ms == kNowMs + 5'000);  // the new copy's instance
  moved[1].tokens = {50};
  ring::RingState third(moved, &second);
  auto changed = third.get(10, ring::kWrite, kNow, options(1));
  REQUIRE(changed.ok());
  CHECK(ids(*changed) == std::vector<std::string>{"b"});
}
