#include "ring/ring.h"

#include "kv/prefix_watch.h"

namespace ring {

Ring::Ring(kv::KvClient& kv, util::Clock& clock, RingConfig config, RingHooks hooks)
    : kv_(kv),
      clock_(clock),
      config_(std::move(config)),
      key_prefix_(ring_key_prefix(config_.prefix)),
      hooks_(std::move(hooks)) {}

Ring::~Ring() { stop(); }

util::Status Ring::validate(const RingConfig& c) {
  if (c.prefix.empty()) return util::invalid_argument("ring: the ring's key prefix is empty");
  if (c.replication_factor < 1) return util::invalid_argument("common.replication_factor: must be at least 1");
  if (c.heartbeat_timeout_ns < 0) return util::invalid_argument("common.ring.heartbeat_timeout: must not be negative");
  return {};
}

util::Status Ring::start() {
  if (auto s = validate(config_); !s.ok()) return s;
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return util::invalid_argument("ring view of " + config_.prefix + " was already started");
  kv::PrefixWatchHandler handler;
  handler.on_snapshot = [this](const kv::RangeResult& r) { on_snapshot(r); };
  handler.on_events = [this](const std::vector<kv::WatchEvent>& e, int64_t rev) { on_events(e, rev); };
  handler.on_connected = [this](int64_t) { on_connected(); };
  handler.on_error = [this](const util::Error& e) { on_error(e); };
  thread_ = std::jthread([this, handler](std::stop_token stop) {
    kv::run_prefix_watch(kv_, clock_, key_prefix_, handler, stop);
  });
  return {};
}

void Ring::stop() {
  std::jthread thread;
  {
    std::lock_guard lock(mu_);
    thread = std::move(thread_);
  }
  if (thread.joinable()) {
    thread.request_stop();
    thread.join();
  }
}

void Ring::publish_locked(int64_t revision) {
  std::vector<InstanceDesc> instances;
  instances.reserve(members_.size());
  for (const auto& [id, desc] : members_) instances.push_back(desc);
  state_ = std::make_shared<RingState>(std::move(instances), state_.get(), outage_);
  status_.revision = std::max(status_.revision, revision);
  status_.synced = true;
  updated_.notify_all();
}

void Ring::on_snapshot(const kv::RangeResult& snapshot) {
  std::map<std::string, InstanceDesc> members;
  int64_t bad = 0;
  for (const auto& kv : snapshot.kvs) {
    auto desc = decode_instance(kv.value);
    if (!desc.ok() || kv.key.size() <= key_prefix_.size()) {
      ++bad;
      continue;
    }
    desc->id = kv.key.substr(key_prefix_.size());  // the key names the instance
    members[desc->id] = std::move(*desc);
  }
  std::lock_guard lock(mu_);
  members_ = std::move(members);
  status_.decode_errors += bad;
  ++status_.snapshots;
  status_.revision = 0;  // a new copy: its revision replaces the old one (a wiped store restarts at 1)
  publish_locked(snapshot.revision);
}

void Ring::on_events(const std::vector<kv::WatchEvent>& events, int64_t revision) {
  std::lock_guard lock(mu_);
  for (const auto& e : events) {
    if (e.kv.key.size() <= key_prefix_.size()) continue;
    std::string id = e.kv.key.substr(key_prefix_.size());
    if (e.type == kv::WatchEvent::Type::kDelete) {
      members_.erase(id);
      continue;
    }
    auto desc = decode_instance(e.kv.value);
    if (!desc.ok()) {
      ++status_.decode_errors;
      members_.erase(id);  // not an instance any more
      continue;
    }
    desc->id = id;
    members_[id] = std::move(*desc);
  }
  publish_locked(revision);
}

void Ring::on_error(const util::Error& error) {
  bool became_stale = false;
  {
    std::lock_guard lock(mu_);
    ++status_.kv_errors;
    status_.last_error = error.message;
    if (!status_.stale) {
      status_.stale = true;
      status_.stale_since_ns = clock_.now_ns();
      outage_ = StoreOutage{status_.stale_since_ns, 0};
      became_stale = true;
      if (status_.synced) publish_locked(status_.revision);
    }
  }
  if (became_stale && hooks_.on_stale) hooks_.on_stale(error);
}

void Ring::on_connected() {
  int64_t stale_for = 0;
  {
    std::lock_guard lock(mu_);
    if (!status_.stale) return;
    int64_t now = clock_.now_ns();
    stale_for = now - status_.stale_since_ns;
    status_.stale = false;
    status_.stale_since_ns = 0;
    outage_.end_ns = now;
    if (status_.synced) publish_locked(status_.revision);
  }
  if (hooks_.on_fresh) hooks_.on_fresh(stale_for);
}

bool Ring::wait_synced(int64_t min_revision, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return updated_.wait_for(lock, timeout, [&] { return status_.synced && status_.revision >= min_revision; });
}

std::shared_ptr<const RingState> Ring::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

RingOptions Ring::options() const {
  return RingOptions{config_.replication_factor, config_.heartbeat_timeout_ns, config_.zone_awareness_enabled};
}

util::Result<ReplicationSet> Ring::get(uint32_t key, const Operation& op) const {
  auto s = state();
  if (s->empty()) return util::unavailable("ring " + config_.prefix + " is empty" + (status().synced ? "" : " (not read yet)"));
  return s->get(key, op, clock_.now_ns(), options());
}

ReplicationSet Ring::get_all_healthy(const Operation& op) const {
  return state()->get_all_healthy(op, clock_.now_ns(), options());
}

util::Result<ReplicationSet> Ring::get_replication_set_for_operation(const Operation& op) const {
  auto s = state();
  if (s->empty()) return util::unavailable("ring " + config_.prefix + " is empty" + (status().synced ? "" : " (not read yet)"));
  return s->get_replication_set_for_operation(op, clock_.now_ns(), options());
}

std::vector<InstanceStatus> Ring::instances() const { return state()->describe(clock_.now_ns(), options()); }

RingStats Ring::stats() const { return state()->stats(clock_.now_ns(), options()); }

RingViewStatus Ring::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace ring
