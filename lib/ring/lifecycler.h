// Keeps one instance in a ring: registers it under `<prefix>/<instance id>` attached to a lease,
// heartbeats (renews the lease and writes the heartbeat time) every heartbeat_period, moves it
// JOINING -> ACTIVE -> LEAVING as its owner says, and removes it on shutdown.
//
// - Tokens: from the tokens file if there is one, else from the instance's own key if it is still
//   in the store (a restart within the lease TTL), else num_tokens fresh random ones avoiding every
//   token already in the ring. Registration is a transaction that fails if any instance joined
//   since the ring was read, so two instances joining at once never share a token.
// - Lease TTL: 2 x heartbeat_timeout (rounded up to seconds): a dead instance shows as unhealthy
//   after heartbeat_timeout, and its key disappears after the TTL.
// - When the lease is lost (the process was paused past the TTL, the store lost it) or its key was
//   deleted or written by someone else, the next heartbeat registers again with the same tokens.
//   An id whose key another address keeps heartbeating is refused (two processes with one id).
// - When the store is away, every failed heartbeat counts in stats() and calls on_kv_error; the
//   loop goes on at the same period and on_kv_recovered says when the store answers again.
// All waits use the util::Clock given (a FakeClock in tests).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kv/kv_client.h"
#include "ring/instance_desc.h"
#include "util/clock.h"

namespace ring {

struct LifecyclerConfig {
  std::string prefix;                             // the ring's keys: "<kvstore.prefix><ring name>", e.g. "collectors/ingester"
  std::string instance_id;                        // common.ring.instance_id / ingester.lifecycler.id
  std::string instance_addr;                      // host:port (common.ring.instance_addr + instance_port)
  std::string zone;                               // common.ring.instance_availability_zone
  int num_tokens = 128;                           // ingester.lifecycler.num_tokens
  int64_t heartbeat_period_ns = 5'000'000'000;    // heartbeat_period
  int64_t heartbeat_timeout_ns = 60'000'000'000;  // heartbeat_timeout (also sets the lease TTL)
  int64_t final_sleep_ns = 0;                     // ingester.lifecycler.final_sleep
  std::string tokens_file_path;                   // ingester.lifecycler.tokens_file_path ("" none)
  bool unregister_on_shutdown = true;             // ingester.lifecycler.unregister_on_shutdown
  uint64_t random_seed = 0;                       // token generation; 0: from std::random_device
};

struct LifecyclerHooks {
  // A store call failed (one call per failed heartbeat or registration attempt), with the number
  // of failures in a row so far: callers log a warn line (on the first, or every n-th).
  std::function<void(const util::Error& error, int64_t consecutive_failures)> on_kv_error;
  // The store answered again after `failures` failed attempts.
  std::function<void(int64_t failures)> on_kv_recovered;
};

struct LifecyclerStats {
  int64_t heartbeats = 0;            // successful heartbeats
  int64_t kv_failures = 0;           // failed store calls in total
  int64_t consecutive_failures = 0;  // failed attempts since the last success
  int64_t registrations = 0;         // successful registrations (the first one and re-registrations)
  int64_t lease_losses = 0;          // times the lease or key was found gone
  std::string last_error;
};

class Lifecycler {
 public:
  Lifecycler(kv::KvClient& kv, util::Clock& clock, LifecyclerConfig config, LifecyclerHooks hooks = {});
  ~Lifecycler();  // stop()
  Lifecycler(const Lifecycler&) = delete;
  Lifecycler& operator=(const Lifecycler&) = delete;

  // Config errors (naming Loki's keys): no id, no address, num_tokens < 1, periods not positive,
  // heartbeat_period not shorter than heartbeat_timeout.
  static util::Status validate(const LifecyclerConfig& config);

  // Validates the config and starts the heartbeat loop, whose first step registers the instance
  // (JOINING) and retries each heartbeat_period while the store is away.
  util::Status start();
  // One step of the loop, done at once: register if not registered (or the lease was lost), else
  // heartbeat. The loop calls it; tests call it without start().
  util::Status tick();

  // JOINING -> ACTIVE: the owner is ready to serve (after its WAL replay). Written at once; if the
  // store is away the error is returned and the next heartbeat writes it.
  util::Status set_ready();
  // -> LEAVING: the owner stops taking writes (before it flushes). Written like set_ready.
  util::Status begin_leaving();
  // Shutdown: LEAVING, then final_sleep (heartbeats go on), then the key is deleted and the lease
  // revoked (unless unregister_on_shutdown is false), and the loop stops. Idempotent.
  util::Status stop();
  // Stops heartbeating and touches nothing in the store, as if the process died: the key stays
  // until the lease expires. For tests and for a crash-like exit.
  void halt();

  InstanceState state() const;
  std::vector<uint32_t> tokens() const;
  bool registered() const;
  int64_t lease_id() const;
  int64_t lease_ttl_seconds() const;  // what the store granted
  LifecyclerStats stats() const;
  std::string key() const { return instance_key(config_.prefix, config_.instance_id); }

 private:
  util::Status register_locked();
  util::Status heartbeat_locked();
  util::Status write_state(InstanceState state);
  InstanceDesc desc_locked(int64_t now_ms) const;
  util::Status note(util::Status s);  // counts a failure or a recovery
  void loop(std::stop_token stop);
  void stop_loop();

  kv::KvClient& kv_;
  util::Clock& clock_;
  const LifecyclerConfig config_;
  LifecyclerHooks hooks_;
  std::mt19937_64 random_;

  std::mutex op_mu_;  // one store operation sequence at a time (loop, state changes, stop)
  mutable std::mutex mu_;  // the fields below
  InstanceState state_ = InstanceState::kJoining;
  std::vector<uint32_t> tokens_;
  bool registered_ = false;
  bool stopped_ = false;
  int64_t lease_ = 0;
  int64_t lease_ttl_ = 0;
  int64_t key_mod_revision_ = 0;  // our last write of the key: a change by anyone else makes it not ours
  int64_t registered_unix_ms_ = 0;
  LifecyclerStats stats_;
  std::jthread thread_;
};

}  // namespace ring
