// The read-only view of a ring that distributors and queriers ask "who holds this key?"
// (dskit's ring.Ring): it watches `<prefix>/` in the store (kv::run_prefix_watch) and keeps an
// immutable copy (RingState) that lookups read without blocking the watch.
//
// When the store is away the view keeps its last good copy and says since when it is stale
// (status(), on_stale). The time the store was away does not count against heartbeat ages: no
// instance could heartbeat then, so a brief outage does not make the whole ring unhealthy; the
// ages run again from when the store answers. Deletions (leases that expired meanwhile) arrive
// when the watch resumes.
//
// Health: an instance is healthy for an operation when its state is one the operation uses and
// its heartbeat is at most heartbeat_timeout old.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kv/kv_client.h"
#include "ring/ring_state.h"
#include "util/clock.h"

namespace ring {

struct RingConfig {
  std::string prefix;                             // the ring's keys, as the lifecyclers' prefix
  int replication_factor = 3;                     // common.replication_factor
  int64_t heartbeat_timeout_ns = 60'000'000'000;  // common.ring.heartbeat_timeout (0: never)
  bool zone_awareness_enabled = false;            // common.ring.zone_awareness_enabled
};

struct RingHooks {
  // The store stopped answering (once per outage): the view serves its last copy from now on.
  std::function<void(const util::Error& error)> on_stale;
  // The store answers again after `stale_for_ns`.
  std::function<void(int64_t stale_for_ns)> on_fresh;
};

struct RingViewStatus {
  bool synced = false;          // a first copy was read
  int64_t revision = 0;         // the store revision the copy reflects
  bool stale = false;           // the store is away; the copy is the last good one
  int64_t stale_since_ns = 0;   // when it went away (0 when not stale)
  int64_t kv_errors = 0;        // failed store calls of the watch
  int64_t decode_errors = 0;    // values under the prefix that are not instances (skipped)
  int64_t snapshots = 0;        // full reads: the first, and after compactions or a wiped store
  std::string last_error;
};

class Ring {
 public:
  Ring(kv::KvClient& kv, util::Clock& clock, RingConfig config, RingHooks hooks = {});
  ~Ring();  // stop()
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // Config errors naming Loki's keys: replication_factor < 1, negative heartbeat_timeout.
  static util::Status validate(const RingConfig& config);

  // Validates and starts watching; the first copy arrives asynchronously (wait_synced).
  util::Status start();
  // Ends the watch. With etcd this takes up to about a second: an idle HTTP stream notices the
  // request at libcurl's next progress check.
  void stop();
  // Waits (real time) until the copy reflects at least `min_revision` (0: any first copy).
  bool wait_synced(int64_t min_revision, std::chrono::milliseconds timeout) const;

  // The replica set of `key` (see RingState::get); kUnavailable before the first copy, on an
  // empty ring, or when no quorum of the set is healthy.
  util::Result<ReplicationSet> get(uint32_t key, const Operation& op) const;
  ReplicationSet get_all_healthy(const Operation& op) const;
  util::Result<ReplicationSet> get_replication_set_for_operation(const Operation& op) const;
  // Every instance with its health and token ownership, sorted by id (the /ring page).
  std::vector<InstanceStatus> instances() const;
  RingStats stats() const;
  RingViewStatus status() const;
  // The current copy, for several questions against one consistent state.
  std::shared_ptr<const RingState> state() const;
  const RingConfig& config() const { return config_; }
  RingOptions options() const;
  util::Clock& clock() const { return clock_; }

 private:
  void on_snapshot(const kv::RangeResult& snapshot);
  void on_events(const std::vector<kv::WatchEvent>& events, int64_t revision);
  void on_error(const util::Error& error);
  void on_connected();
  void publish_locked(int64_t revision);  // rebuilds state_ from members_

  kv::KvClient& kv_;
  util::Clock& clock_;
  const RingConfig config_;
  const std::string key_prefix_;  // "<prefix>/"
  RingHooks hooks_;

  mutable std::mutex mu_;
  mutable std::condition_variable updated_;
  std::map<std::string, InstanceDesc> members_;  // by id; written by the watch thread
  std::shared_ptr<const RingState> state_ = std::make_shared<RingState>();
  StoreOutage outage_;
  RingViewStatus status_;
  std::jthread thread_;
};

}  // namespace ring
