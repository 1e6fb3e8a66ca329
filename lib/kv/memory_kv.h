// An in-process KvClient with etcd's semantics (one revision counter, leases on a util::Clock,
// prefix watches from any revision still in its history, compaction). It backs the unit tests of
// the ring, with switches to play the store's failures: unavailable for a while, compacted, or
// wiped and started again with its revisions back at 1.
//
// Leases expire when the clock passes their deadline, checked at every call (and by
// expire_leases()), so a FakeClock drives expiry deterministically.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "kv/kv_client.h"
#include "util/clock.h"

namespace kv {

class MemoryKv final : public KvClient {
 public:
  explicit MemoryKv(util::Clock& clock) : clock_(clock) {}

  util::Result<std::optional<KeyValue>> get(const std::string& key) override;
  util::Result<RangeResult> get_prefix(const std::string& prefix) override;
  util::Result<int64_t> put(const std::string& key, const std::string& value, int64_t lease = 0) override;
  util::Result<int64_t> del(const std::string& key) override;
  util::Result<TxnResult> txn(const std::vector<Compare>& compares, const std::vector<TxnOp>& success,
                              const std::vector<TxnOp>& failure) override;
  util::Result<LeaseGrant> lease_grant(int64_t ttl_seconds) override;
  util::Result<int64_t> lease_keep_alive(int64_t lease_id) override;
  util::Status lease_revoke(int64_t lease_id) override;
  util::Result<LeaseTimeToLive> lease_time_to_live(int64_t lease_id) override;
  util::Result<WatchEnd> watch_stream(const std::string& prefix, int64_t start_revision,
                                      const WatchStreamCallbacks& callbacks, std::stop_token stop) override;
  std::string describe() const override { return "in-memory"; }

  // Deletes the keys of leases whose deadline has passed (one revision per lease, as etcd).
  void expire_leases();
  // While unavailable every call fails with kUnavailable and open watch streams end with it.
  void set_unavailable(bool unavailable);
  // Forgets the history before `revision`: watches from earlier revisions are told "compacted".
  void compact(int64_t revision);
  // Drops every key, lease and revision, as a store re-created from an empty data dir.
  void wipe();
  int64_t revision() const;
  // Requests served so far (failed ones included): tests check that something did (not) call.
  int64_t requests() const;

 private:
  struct Lease {
    int64_t ttl_seconds = 0;
    int64_t deadline_ns = 0;
    std::set<std::string> keys;
  };
  struct Event {
    int64_t revision = 0;
    WatchEvent event;
  };

  static constexpr size_t kMaxHistory = 20'000;  // events kept for watches

  util::Status begin_locked();  // counts the request, expires leases, fails when unavailable
  void expire_leases_locked();
  bool compare_holds_locked(const Compare& c) const;
  // Applies ops at revision revision_ + 1 (advancing revision_ when anything changed).
  util::Result<std::vector<RangeResult>> apply_locked(const std::vector<TxnOp>& ops);
  void put_locked(const std::string& key, const std::string& value, int64_t lease, int64_t revision);
  bool delete_locked(const std::string& key, int64_t revision);
  void record_locked(Event e);
  RangeResult range_locked(const std::string& key, const std::string& range_end) const;

  util::Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable_any changed_;
  std::map<std::string, KeyValue> data_;
  std::map<int64_t, Lease> leases_;
  std::vector<Event> history_;
  int64_t revision_ = 1;  // etcd's empty store is at revision 1
  int64_t compact_revision_ = 0;
  int64_t next_lease_id_ = 7'000'000'000'000'000'001;
  int64_t generation_ = 0;  // bumped by wipe(): open streams of an older store end
  int64_t requests_ = 0;
  bool unavailable_ = false;
};

}  // namespace kv
