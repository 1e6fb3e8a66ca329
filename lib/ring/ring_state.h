// An immutable copy of a ring at one moment, and the questions asked of it: which instances hold a
// key (dskit's Ring.Get), which are healthy for an operation, how the tokens are shared out. Pure
// functions of the copy and a time, so they are tested without a store or threads; the ring view
// (ring.h) keeps the current copy up to date.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ring/instance_desc.h"
#include "util/result.h"

namespace ring {

// What an operation may use (dskit's ring.Operation): the states counted healthy for it, and the
// states that make a replica set grow by one so that `rf` instances that can serve remain.
class Operation {
 public:
  constexpr Operation(std::initializer_list<InstanceState> healthy, std::initializer_list<InstanceState> extend_on) {
    for (auto s : healthy) healthy_ |= bit(s);
    for (auto s : extend_on) extend_ |= bit(s);
  }
  constexpr bool healthy_in(InstanceState s) const { return (healthy_ & bit(s)) != 0; }
  constexpr bool extends_on(InstanceState s) const { return (extend_ & bit(s)) != 0; }

 private:
  static constexpr unsigned bit(InstanceState s) { return 1u << static_cast<unsigned>(s); }
  unsigned healthy_ = 0;
  unsigned extend_ = 0;
};

// Writes go to ACTIVE instances; a JOINING, LEAVING or PENDING one in the set adds one more so the
// data still reaches rf writable instances.
inline constexpr Operation kWrite{{InstanceState::kActive},
                                  {InstanceState::kJoining, InstanceState::kLeaving, InstanceState::kPending}};
// Writes without the extension (Loki's distributor uses it: fewer replicas while one joins).
inline constexpr Operation kWriteNoExtend{{InstanceState::kActive}, {}};
// Reads may use LEAVING instances (they still have the data); the set grows past JOINING and
// PENDING ones, matching where kWrite put the data.
inline constexpr Operation kRead{{InstanceState::kActive, InstanceState::kPending, InstanceState::kLeaving},
                                 {InstanceState::kJoining, InstanceState::kPending}};
// Every state counts; only the heartbeat decides (the /ring page, statistics).
inline constexpr Operation kReporting{
    {InstanceState::kActive, InstanceState::kLeaving, InstanceState::kPending, InstanceState::kJoining}, {}};

// The instances to send one request to, and how many of them may fail with the request still
// succeeding: it needs instances.size() - max_errors answers (a quorum).
struct ReplicationSet {
  std::vector<InstanceDesc> instances;
  int max_errors = 0;
  // With zone awareness, get_replication_set_for_operation counts failures by zone instead:
  // the request succeeds unless instances of more than this many zones fail.
  int max_unavailable_zones = 0;

  int min_success() const { return static_cast<int>(instances.size()) - max_errors; }
  bool includes(const std::string& id) const;
};

struct RingOptions {
  int replication_factor = 3;
  int64_t heartbeat_timeout_ns = 60'000'000'000;  // 0: heartbeats never expire
  bool zone_awareness = false;                    // replicas in distinct zones
};

// Per-instance figures for the /ring page and metrics.
struct InstanceStatus {
  InstanceDesc desc;
  bool healthy = false;           // heartbeat within the timeout (kReporting)
  double ownership_percent = 0;   // share of the token space this instance's tokens own
};

struct RingStats {
  int pending = 0, joining = 0, active = 0, leaving = 0;
  int healthy = 0, unhealthy = 0;
  int tokens = 0;              // all tokens in the ring
  int conflicting_tokens = 0;  // tokens claimed by more than one instance (only the first id counts)
};

// A time the store could not be reached, during which nobody could heartbeat: it does not count
// against heartbeat ages. end_ns 0: still going on.
struct StoreOutage {
  int64_t start_ns = 0;  // 0: none
  int64_t end_ns = 0;
};

class RingState {
 public:
  RingState() = default;
  // `previous` lends its token table when the instances and their tokens did not change (a
  // heartbeat), so a rebuild costs a copy, not a sort.
  explicit RingState(std::vector<InstanceDesc> instances, const RingState* previous = nullptr,
                     StoreOutage outage = {});
  const StoreOutage& outage() const { return outage_; }
  // How long ago the instance heartbeat as of now_ns, not counting the store's outage.
  int64_t heartbeat_age_ns(const InstanceDesc& instance, int64_t now_ns) const;

  const std::vector<InstanceDesc>& instances() const { return instances_; }  // sorted by id
  const InstanceDesc* find(const std::string& id) const;
  bool empty() const { return instances_.empty(); }

  bool healthy(const InstanceDesc& instance, const Operation& op, int64_t now_ns, const RingOptions& options) const;

  // The replica set for `key`: walking the tokens clockwise from the first token above `key`, the
  // first rf distinct instances (distinct zones too with zone awareness), one more for each
  // instance whose state `op` extends on; then the unhealthy ones are dropped. Fails
  // (kUnavailable) on an empty ring or when fewer than a quorum (rf/2 + 1, counted on the grown
  // set) are healthy, so at most rf - quorum unhealthy instances are tolerated.
  util::Result<ReplicationSet> get(uint32_t key, const Operation& op, int64_t now_ns, const RingOptions& options) const;
  // Every instance healthy for `op`, max_errors 0.
  ReplicationSet get_all_healthy(const Operation& op, int64_t now_ns, const RingOptions& options) const;
  // All healthy instances for an operation that asks every instance (a querier's read of the
  // ingesters): tolerates rf/2 unhealthy instances (one zone with zone awareness) and fails with
  // kUnavailable beyond.
  util::Result<ReplicationSet> get_replication_set_for_operation(const Operation& op, int64_t now_ns,
                                                                 const RingOptions& options) const;

  std::vector<InstanceStatus> describe(int64_t now_ns, const RingOptions& options) const;
  RingStats stats(int64_t now_ns, const RingOptions& options) const;

 private:
  struct TokenTable {
    std::vector<uint32_t> tokens;   // sorted; a token claimed twice appears once
    std::vector<uint32_t> owners;   // index into instances_ of each token's owner
    int zones = 0;                  // distinct non-empty zones
    int conflicts = 0;
  };
  static std::shared_ptr<const TokenTable> build_table(const std::vector<InstanceDesc>& instances);

  std::vector<InstanceDesc> instances_;
  StoreOutage outage_;
  std::shared_ptr<const TokenTable> table_ = std::make_shared<TokenTable>();
};

}  // namespace ring
