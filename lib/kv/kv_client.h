// The key-value store the ring lives in, as an interface: etcd's data model (keys with revisions,
// leases that delete their keys when they expire, compare-and-swap transactions, watches of a
// prefix from a revision), which is what the lifecycler and the ring view need. One file per
// backend implements it (etcd_client.h over etcd's v3 JSON gateway, memory_kv.h in-process), so
// the ring never sees a wire format.
//
// Errors carry util::ErrorCode: kUnavailable when the store does not answer (no endpoint, no
// leader, timeout), kNotFound for a lease that does not exist (expired or revoked), kInvalidArgument
// for a request the store refused, kUnauthenticated / kPermissionDenied for credentials.
//
// Thread-safety: every method may be called from any thread, watches included.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "util/result.h"

namespace kv {

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;  // the store revision that created the key (0: no such key)
  int64_t mod_revision = 0;     // the store revision of the last change
  int64_t version = 0;          // changes since creation, 1 for a new key
  int64_t lease = 0;            // the lease the key is attached to, 0: none
};

// Keys read at one revision of the store. `revision` is the store's revision when read: a watch
// from revision + 1 sees every later change and nothing twice.
struct RangeResult {
  std::vector<KeyValue> kvs;  // sorted by key
  int64_t revision = 0;
};

// One condition of a transaction, on one key or (with range_end) on every key in [key, range_end).
// On a range with no keys, the condition is checked against an absent key (revisions and version
// 0), as etcd does.
struct Compare {
  enum class Target { kVersion, kCreateRevision, kModRevision };
  enum class Op { kEqual, kNotEqual, kLess, kGreater };
  std::string key;
  std::string range_end;  // empty: only `key`
  Target target = Target::kModRevision;
  Op op = Op::kEqual;
  int64_t operand = 0;
};

struct TxnOp {
  enum class Kind { kPut, kDelete, kGet };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;     // kPut
  int64_t lease = 0;     // kPut: attach to this lease (0: none)
  std::string range_end; // kGet / kDelete: [key, range_end); empty: only `key`
};

struct TxnResult {
  bool succeeded = false;             // the compares held and the success ops ran
  int64_t revision = 0;               // the store revision after the transaction
  std::vector<RangeResult> gets;      // one per kGet op that ran, in order
};

struct LeaseGrant {
  int64_t id = 0;
  int64_t ttl_seconds = 0;  // what the store granted (etcd raises TTLs below its minimum, 2 s)
};

struct LeaseTimeToLive {
  int64_t ttl_seconds = 0;          // remaining; the lease is gone when the call says kNotFound
  int64_t granted_ttl_seconds = 0;
  std::vector<std::string> keys;    // keys attached to it
};

struct WatchEvent {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  KeyValue kv;  // for kDelete: key and mod_revision (the deletion's revision)
};

// Callbacks of one watch stream. They run on the thread that called watch_stream.
struct WatchStreamCallbacks {
  // The stream is established; `revision` is the store's current revision.
  std::function<void(int64_t revision)> on_created;
  // Changes of one store revision (or a few), in revision order.
  std::function<void(const std::vector<WatchEvent>& events, int64_t revision)> on_events;
};

// How a watch stream ended without an error.
struct WatchEnd {
  bool compacted = false;        // the start revision is older than the store keeps
  int64_t compact_revision = 0;  // the oldest revision still available
};

class KvClient {
 public:
  virtual ~KvClient() = default;

  // The key, or nullopt when it does not exist.
  virtual util::Result<std::optional<KeyValue>> get(const std::string& key) = 0;
  // Every key starting with `prefix` (an empty prefix: every key), with the store revision.
  virtual util::Result<RangeResult> get_prefix(const std::string& prefix) = 0;
  // Returns the revision of the write. lease != 0 attaches the key to that lease (kNotFound when
  // the lease does not exist).
  virtual util::Result<int64_t> put(const std::string& key, const std::string& value, int64_t lease = 0) = 0;
  // Returns how many keys were deleted (0 or 1).
  virtual util::Result<int64_t> del(const std::string& key) = 0;
  // If every compare holds, runs `success`, else `failure`; atomically.
  virtual util::Result<TxnResult> txn(const std::vector<Compare>& compares, const std::vector<TxnOp>& success,
                                      const std::vector<TxnOp>& failure) = 0;

  virtual util::Result<LeaseGrant> lease_grant(int64_t ttl_seconds) = 0;
  // Renews the lease for its granted TTL; returns that TTL. kNotFound when it expired or was revoked.
  virtual util::Result<int64_t> lease_keep_alive(int64_t lease_id) = 0;
  // Ends the lease now, deleting its keys. Revoking a lease that is gone is kNotFound.
  virtual util::Status lease_revoke(int64_t lease_id) = 0;
  virtual util::Result<LeaseTimeToLive> lease_time_to_live(int64_t lease_id) = 0;

  // One watch stream on the keys starting with `prefix`, reporting every change from
  // `start_revision` on (inclusive; 0: from now). Returns when `stop` is requested (WatchEnd{}),
  // when the start revision was compacted away (WatchEnd{compacted}), or with an error when the
  // stream breaks or cannot start. PrefixWatch (prefix_watch.h) adds reconnection on top.
  virtual util::Result<WatchEnd> watch_stream(const std::string& prefix, int64_t start_revision,
                                              const WatchStreamCallbacks& callbacks, std::stop_token stop) = 0;

  // How many times a read-modify-write loop retries when its compare fails (Loki's
  // etcd.max_retries).
  virtual int max_cas_retries() const { return 10; }
  // A short name for messages: "etcd 127.0.0.1:2379,...", "in-memory".
  virtual std::string describe() const = 0;
};

// The end of the key range holding every key that starts with `prefix`: the prefix with its last
// byte below 0xff incremented and what follows dropped ("a/" -> "a0"); "\0" (all keys) for "" or
// a prefix of only 0xff bytes, as etcd spells "to the end".
std::string prefix_range_end(const std::string& prefix);

// Compare helpers for the common cases.
Compare key_missing(const std::string& key);  // version == 0
Compare mod_revision_is(const std::string& key, int64_t revision);
// No key under `prefix` was created after `revision` (a new or re-created key fails it).
Compare none_created_after(const std::string& prefix, int64_t revision);
TxnOp put_op(const std::string& key, const std::string& value, int64_t lease = 0);
TxnOp delete_op(const std::string& key);
TxnOp get_op(const std::string& key);

}  // namespace kv
