#include "kv/memory_kv.h"

namespace kv {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

bool in_range(const std::string& k, const std::string& key, const std::string& range_end) {
  if (range_end.empty()) return k == key;
  if (k < key) return false;
  return range_end == std::string(1, '\0') || k < range_end;
}

bool compare_value(int64_t have, Compare::Op op, int64_t operand) {
  switch (op) {
    case Compare::Op::kEqual: return have == operand;
    case Compare::Op::kNotEqual: return have != operand;
    case Compare::Op::kLess: return have < operand;
    case Compare::Op::kGreater: return have > operand;
  }
  return false;
}

bool compare_kv(const KeyValue& kv, const Compare& c) {
  int64_t have = c.target == Compare::Target::kVersion          ? kv.version
                 : c.target == Compare::Target::kCreateRevision ? kv.create_revision
                                                                 : kv.mod_revision;
  return compare_value(have, c.op, c.operand);
}

}  // namespace

util::Status MemoryKv::begin_locked() {
  ++requests_;
  if (unavailable_) return util::unavailable("in-memory store is unavailable");
  expire_leases_locked();
  return {};
}

void MemoryKv::expire_leases_locked() {
  int64_t now = clock_.now_ns();
  for (auto it = leases_.begin(); it != leases_.end();) {
    if (it->second.deadline_ns > now) {
      ++it;
      continue;
    }
    std::set<std::string> keys = std::move(it->second.keys);  // delete_locked edits the set
    it = leases_.erase(it);
    bool changed = false;
    for (const auto& key : keys) changed |= delete_locked(key, revision_ + 1);
    if (changed) ++revision_;
  }
  changed_.notify_all();
}

void MemoryKv::expire_leases() {
  std::lock_guard lock(mu_);
  expire_leases_locked();
}

void MemoryKv::put_locked(const std::string& key, const std::string& value, int64_t lease, int64_t revision) {
  KeyValue& kv = data_[key];
  if (kv.lease != 0 && kv.lease != lease) {
    if (auto old = leases_.find(kv.lease); old != leases_.end()) old->second.keys.erase(key);
  }
  if (kv.create_revision == 0) kv.create_revision = revision;
  kv.key = key;
  kv.value = value;
  kv.mod_revision = revision;
  kv.version += 1;
  kv.lease = lease;
  if (lease != 0) leases_[lease].keys.insert(key);
  record_locked({revision, {WatchEvent::Type::kPut, kv}});
}

void MemoryKv::record_locked(Event e) {
  history_.push_back(std::move(e));
  // Bounded like etcd's auto-compaction: watchers that far behind read the prefix again.
  if (history_.size() > kMaxHistory) {
    compact_revision_ = history_[history_.size() - kMaxHistory / 2].revision;
    std::erase_if(history_, [&](const Event& old) { return old.revision < compact_revision_; });
  }
}

bool MemoryKv::delete_locked(const std::string& key, int64_t revision) {
  auto it = data_.find(key);
  if (it == data_.end()) return false;
  if (it->second.lease != 0) {
    if (auto l = leases_.find(it->second.lease); l != leases_.end()) l->second.keys.erase(key);
  }
  KeyValue gone;
  gone.key = key;
  gone.mod_revision = revision;
  record_locked({revision, {WatchEvent::Type::kDelete, gone}});
  data_.erase(it);
  return true;
}

RangeResult MemoryKv::range_locked(const std::string& key, const std::string& range_end) const {
  RangeResult out;
  out.revision = revision_;
  for (auto it = data_.lower_bound(key); it != data_.end() && in_range(it->first, key, range_end); ++it) {
    out.kvs.push_back(it->second);
  }
  return out;
}

bool MemoryKv::compare_holds_locked(const Compare& c) const {
  RangeResult r = range_locked(c.key, c.range_end);
  if (r.kvs.empty()) return compare_kv(KeyValue{}, c);
  for (const auto& kv : r.kvs) {
    if (!compare_kv(kv, c)) return false;
  }
  return true;
}

util::Result<std::vector<RangeResult>> MemoryKv::apply_locked(const std::vector<TxnOp>& ops) {
  for (const auto& op : ops) {
    if (op.kind == TxnOp::Kind::kPut && op.lease != 0 && !leases_.count(op.lease)) {
      return util::not_found("requested lease not found");
    }
  }
  int64_t revision = revision_ + 1;
  bool changed = false;
  std::vector<RangeResult> gets;
  for (const auto& op : ops) {
    switch (op.kind) {
      case TxnOp::Kind::kPut:
        put_locked(op.key, op.value, op.lease, revision);
        changed = true;
        break;
      case TxnOp::Kind::kDelete:
        for (const auto& kv : range_locked(op.key, op.range_end).kvs) changed |= delete_locked(kv.key, revision);
        break;
      case TxnOp::Kind::kGet:
        gets.push_back(range_locked(op.key, op.range_end));
        break;
    }
  }
  if (changed) {
    revision_ = revision;
    for (auto& g : gets) g.revision = revision_;
    changed_.notify_all();
  }
  return gets;
}

util::Result<std::optional<KeyValue>> MemoryKv::get(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  auto it = data_.find(key);
  if (it == data_.end()) return std::optional<KeyValue>();
  return std::optional<KeyValue>(it->second);
}

util::Result<RangeResult> MemoryKv::get_prefix(const std::string& prefix) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  return range_locked(prefix, prefix_range_end(prefix));
}

util::Result<int64_t> MemoryKv::put(const std::string& key, const std::string& value, int64_t lease) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  auto applied = apply_locked({put_op(key, value, lease)});
  if (!applied.ok()) return applied.status_error();
  return revision_;
}

util::Result<int64_t> MemoryKv::del(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  int64_t before = revision_;
  auto applied = apply_locked({delete_op(key)});
  if (!applied.ok()) return applied.status_error();
  return revision_ != before ? 1 : 0;
}

util::Result<TxnResult> MemoryKv::txn(const std::vector<Compare>& compares, const std::vector<TxnOp>& success,
                                      const std::vector<TxnOp>& failure) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  TxnResult result;
  result.succeeded = true;
  for (const auto& c : compares) result.succeeded = result.succeeded && compare_holds_locked(c);
  auto applied = apply_locked(result.succeeded ? success : failure);
  if (!applied.ok()) return applied.status_error();
  result.gets = std::move(*applied);
  result.revision = revision_;
  return result;
}

util::Result<LeaseGrant> MemoryKv::lease_grant(int64_t ttl_seconds) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  if (ttl_seconds <= 0) return util::invalid_argument("lease TTL must be positive");
  int64_t id = next_lease_id_++;
  leases_[id] = Lease{ttl_seconds, clock_.now_ns() + ttl_seconds * kNanosPerSecond, {}};
  return LeaseGrant{id, ttl_seconds};
}

util::Result<int64_t> MemoryKv::lease_keep_alive(int64_t lease_id) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  auto it = leases_.find(lease_id);
  if (it == leases_.end()) return util::not_found("lease " + std::to_string(lease_id) + " expired or revoked");
  it->second.deadline_ns = clock_.now_ns() + it->second.ttl_seconds * kNanosPerSecond;
  return it->second.ttl_seconds;
}

util::Status MemoryKv::lease_revoke(int64_t lease_id) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s;
  auto it = leases_.find(lease_id);
  if (it == leases_.end()) return util::not_found("requested lease not found");
  std::set<std::string> keys = std::move(it->second.keys);  // delete_locked edits the set
  leases_.erase(it);
  bool changed = false;
  for (const auto& key : keys) changed |= delete_locked(key, revision_ + 1);
  if (changed) ++revision_;
  changed_.notify_all();
  return {};
}

util::Result<LeaseTimeToLive> MemoryKv::lease_time_to_live(int64_t lease_id) {
  std::lock_guard lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  auto it = leases_.find(lease_id);
  if (it == leases_.end()) return util::not_found("requested lease not found");
  LeaseTimeToLive out;
  int64_t left_ns = it->second.deadline_ns - clock_.now_ns();
  out.ttl_seconds = (left_ns + kNanosPerSecond - 1) / kNanosPerSecond;
  out.granted_ttl_seconds = it->second.ttl_seconds;
  out.keys.assign(it->second.keys.begin(), it->second.keys.end());
  return out;
}

util::Result<WatchEnd> MemoryKv::watch_stream(const std::string& prefix, int64_t start_revision,
                                              const WatchStreamCallbacks& callbacks, std::stop_token stop) {
  std::unique_lock lock(mu_);
  if (auto s = begin_locked(); !s.ok()) return s.status_error();
  if (start_revision > 0 && start_revision < compact_revision_) return WatchEnd{true, compact_revision_};
  int64_t next = start_revision > 0 ? start_revision : revision_ + 1;
  int64_t generation = generation_;
  std::string end = prefix_range_end(prefix);
  int64_t created_at = revision_;
  lock.unlock();
  if (callbacks.on_created) callbacks.on_created(created_at);
  lock.lock();

  while (true) {
    if (stop.stop_requested()) return WatchEnd{};
    if (unavailable_ || generation != generation_) return util::unavailable("in-memory store went away");
    if (next < compact_revision_) return WatchEnd{true, compact_revision_};  // fell behind the history
    // Deliver everything from `next` on, one batch per revision.
    std::vector<std::pair<int64_t, std::vector<WatchEvent>>> batches;
    for (const auto& e : history_) {
      if (e.revision < next || !in_range(e.event.kv.key, prefix, end)) continue;
      if (batches.empty() || batches.back().first != e.revision) batches.push_back({e.revision, {}});
      batches.back().second.push_back(e.event);
    }
    if (!history_.empty()) next = std::max(next, history_.back().revision + 1);
    if (!batches.empty()) {
      lock.unlock();
      for (const auto& [rev, events] : batches) {
        if (callbacks.on_events) callbacks.on_events(events, rev);
      }
      lock.lock();
      continue;
    }
    size_t seen = history_.size();
    changed_.wait(lock, stop, [&] { return history_.size() != seen || unavailable_ || generation != generation_; });
  }
}

void MemoryKv::set_unavailable(bool unavailable) {
  std::lock_guard lock(mu_);
  unavailable_ = unavailable;
  changed_.notify_all();
}

void MemoryKv::compact(int64_t revision) {
  std::lock_guard lock(mu_);
  compact_revision_ = std::max(compact_revision_, revision);
  std::erase_if(history_, [&](const Event& e) { return e.revision < compact_revision_; });
}

void MemoryKv::wipe() {
  std::lock_guard lock(mu_);
  data_.clear();
  leases_.clear();
  history_.clear();
  revision_ = 1;
  compact_revision_ = 0;
  ++generation_;
  changed_.notify_all();
}

int64_t MemoryKv::revision() const {
  std::lock_guard lock(mu_);
  return revision_;
}

int64_t MemoryKv::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

}  // namespace kv
