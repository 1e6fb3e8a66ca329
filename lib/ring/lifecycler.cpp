#include "ring/lifecycler.h"

#include <unordered_set>

#include "ring/tokens.h"

namespace ring {
namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kNanosPerSecond = 1'000'000'000;

uint64_t seed_of(uint64_t configured) {
  if (configured != 0) return configured;
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

Lifecycler::Lifecycler(kv::KvClient& kv, util::Clock& clock, LifecyclerConfig config, LifecyclerHooks hooks)
    : kv_(kv), clock_(clock), config_(std::move(config)), hooks_(std::move(hooks)), random_(seed_of(config_.random_seed)) {}

Lifecycler::~Lifecycler() { (void)stop(); }

util::Status Lifecycler::validate(const LifecyclerConfig& c) {
  if (c.prefix.empty()) return util::invalid_argument("ring: the ring's key prefix is empty");
  if (c.instance_id.empty()) return util::invalid_argument("common.ring.instance_id: must not be empty");
  if (c.instance_id.find('/') != std::string::npos) {
    return util::invalid_argument("common.ring.instance_id: \"" + c.instance_id + "\" must not contain '/'");
  }
  if (c.instance_addr.empty()) return util::invalid_argument("common.ring.instance_addr: must not be empty");
  if (c.num_tokens < 1) return util::invalid_argument("ingester.lifecycler.num_tokens: must be at least 1");
  if (c.heartbeat_period_ns <= 0) return util::invalid_argument("common.ring.heartbeat_period: must be positive");
  if (c.heartbeat_timeout_ns <= 0) return util::invalid_argument("common.ring.heartbeat_timeout: must be positive");
  if (c.heartbeat_period_ns >= c.heartbeat_timeout_ns) {
    return util::invalid_argument("common.ring.heartbeat_period: must be shorter than common.ring.heartbeat_timeout");
  }
  if (c.final_sleep_ns < 0) return util::invalid_argument("ingester.lifecycler.final_sleep: must not be negative");
  return {};
}

util::Status Lifecycler::start() {
  if (auto s = validate(config_); !s.ok()) return s;
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopped_) return util::invalid_argument("lifecycler " + config_.instance_id + " was already started");
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
  return {};
}

void Lifecycler::loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    int64_t next = clock_.now_ns() + config_.heartbeat_period_ns;
    (void)tick();
    clock_.sleep_until(next, stop);
  }
}

util::Status Lifecycler::note(util::Status s) {
  int64_t failures = 0;
  {
    std::lock_guard lock(mu_);
    if (s.ok()) {
      failures = stats_.consecutive_failures;
      stats_.consecutive_failures = 0;
    } else {
      ++stats_.kv_failures;
      failures = ++stats_.consecutive_failures;
      stats_.last_error = s.error();
    }
  }
  if (s.ok() && failures > 0 && hooks_.on_kv_recovered) hooks_.on_kv_recovered(failures);
  if (!s.ok() && hooks_.on_kv_error) hooks_.on_kv_error(s.status_error(), failures);
  return s;
}

util::Status Lifecycler::tick() {
  std::lock_guard op(op_mu_);
  bool registered;
  {
    std::lock_guard lock(mu_);
    registered = registered_;
  }
  return note(registered ? heartbeat_locked() : register_locked());
}

InstanceDesc Lifecycler::desc_locked(int64_t now_ms) const {
  InstanceDesc d;
  d.id = config_.instance_id;
  d.addr = config_.instance_addr;
  d.zone = config_.zone;
  d.state = state_;
  d.tokens = tokens_;
  d.heartbeat_unix_ms = now_ms;
  d.registered_unix_ms = registered_unix_ms_;
  return d;
}

util::Status Lifecycler::register_locked() {
  const std::string key = this->key();
  const std::string prefix = ring_key_prefix(config_.prefix);
  int attempts = std::max(1, kv_.max_cas_retries() + 1);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto ring = kv_.get_prefix(prefix);
    if (!ring.ok()) return ring.status_error();
    std::unordered_set<uint32_t> taken;
    const kv::KeyValue* mine = nullptr;
    for (const auto& kv : ring->kvs) {
      if (kv.key == key) {
        mine = &kv;
        continue;
      }
      auto other = decode_instance(kv.value);
      if (other.ok()) taken.insert(other->tokens.begin(), other->tokens.end());
    }
    std::optional<InstanceDesc> previous;
    if (mine) {
      if (auto d = decode_instance(mine->value); d.ok()) previous = std::move(*d);
    }
    if (previous && previous->addr != config_.instance_addr &&
        clock_.now_ns() / kNanosPerMilli - previous->heartbeat_unix_ms <= config_.heartbeat_timeout_ns / kNanosPerMilli) {
      // Another live process has this id: two processes sharing a key would overwrite each other.
      return util::invalid_argument("ring " + config_.prefix + ": instance id " + config_.instance_id +
                                    " is in use by " + previous->addr +
                                    " (heartbeating); every process needs its own common.ring.instance_id");
    }

    std::vector<uint32_t> tokens;
    int64_t registered_ms = 0;
    {
      std::lock_guard lock(mu_);
      tokens = tokens_;
      registered_ms = registered_unix_ms_;
    }
    if (tokens.empty() && !config_.tokens_file_path.empty()) {
      auto from_file = load_tokens_file(config_.tokens_file_path);
      if (from_file.ok()) {
        tokens = std::move(*from_file);
      } else if (from_file.code() != util::ErrorCode::kNotFound) {
        return from_file.status_error();
      }
    }
    if (tokens.empty() && previous) tokens = previous->tokens;  // a restart: keep what we owned
    if (registered_ms == 0) {
      registered_ms = previous && previous->registered_unix_ms > 0 ? previous->registered_unix_ms
                                                                    : clock_.now_ns() / kNanosPerMilli;
    }
    // Keep our tokens that nobody else took meanwhile; top up to num_tokens with fresh ones.
    std::erase_if(tokens, [&](uint32_t t) { return taken.count(t) > 0; });
    if (static_cast<int>(tokens.size()) < config_.num_tokens) {
      taken.insert(tokens.begin(), tokens.end());
      auto fresh = generate_tokens(config_.num_tokens - static_cast<int>(tokens.size()), taken, random_);
      tokens.insert(tokens.end(), fresh.begin(), fresh.end());
      std::sort(tokens.begin(), tokens.end());
    }

    int64_t ttl = (2 * config_.heartbeat_timeout_ns + kNanosPerSecond - 1) / kNanosPerSecond;
    auto lease = kv_.lease_grant(ttl);
    if (!lease.ok()) return lease.status_error();

    InstanceDesc desc;
    {
      std::lock_guard lock(mu_);
      tokens_ = tokens;
      registered_unix_ms_ = registered_ms;
      desc = desc_locked(clock_.now_ns() / kNanosPerMilli);
    }
    auto txn = kv_.txn({kv::none_created_after(prefix, ring->revision)},
                       {kv::put_op(key, encode_instance(desc), lease->id)}, {});
    if (!txn.ok() || !txn->succeeded) (void)kv_.lease_revoke(lease->id);  // unused: let it go now
    if (!txn.ok()) return txn.status_error();
    if (!txn->succeeded) continue;  // someone joined meanwhile: read the ring again

    {
      std::lock_guard lock(mu_);
      registered_ = true;
      lease_ = lease->id;
      lease_ttl_ = lease->ttl_seconds;
      key_mod_revision_ = txn->revision;
      ++stats_.registrations;
    }
    if (!config_.tokens_file_path.empty()) {
      if (auto s = save_tokens_file(config_.tokens_file_path, tokens); !s.ok()) return s;
    }
    return {};
  }
  return util::unavailable("ring " + config_.prefix + ": instances kept joining while " + config_.instance_id +
                           " registered (" + std::to_string(attempts) + " attempts)");
}

util::Status Lifecycler::heartbeat_locked() {
  int64_t lease, mod_revision;
  {
    std::lock_guard lock(mu_);
    lease = lease_;
    mod_revision = key_mod_revision_;
  }
  auto lost = [&] {
    {
      std::lock_guard lock(mu_);
      registered_ = false;
      ++stats_.lease_losses;
    }
    return register_locked();
  };
  auto kept = kv_.lease_keep_alive(lease);
  if (!kept.ok() && kept.code() == util::ErrorCode::kNotFound) return lost();
  if (!kept.ok()) return kept.status_error();

  InstanceDesc desc;
  {
    std::lock_guard lock(mu_);
    desc = desc_locked(clock_.now_ns() / kNanosPerMilli);
  }
  const std::string key = this->key();
  // Only over our own last write: a key deleted or written by someone else is not ours any more.
  auto txn = kv_.txn({kv::mod_revision_is(key, mod_revision)}, {kv::put_op(key, encode_instance(desc), lease)}, {});
  if (!txn.ok() && txn.code() == util::ErrorCode::kNotFound) return lost();  // the lease went meanwhile
  if (!txn.ok()) return txn.status_error();
  if (!txn->succeeded) return lost();
  std::lock_guard lock(mu_);
  key_mod_revision_ = txn->revision;
  ++stats_.heartbeats;
  return {};
}

util::Status Lifecycler::write_state(InstanceState state) {
  std::lock_guard op(op_mu_);
  bool registered;
  {
    std::lock_guard lock(mu_);
    state_ = state;
    registered = registered_;
  }
  // Not registered yet: the registration writes the state.
  return note(registered ? heartbeat_locked() : register_locked());
}

util::Status Lifecycler::set_ready() { return write_state(InstanceState::kActive); }

util::Status Lifecycler::begin_leaving() { return write_state(InstanceState::kLeaving); }

void Lifecycler::stop_loop() {
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

util::Status Lifecycler::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return {};
    stopped_ = true;
  }
  if (!config_.unregister_on_shutdown) {
    stop_loop();
    return {};
  }
  util::Status status;
  if (registered()) {
    status = begin_leaving();
  } else {
    std::lock_guard lock(mu_);
    state_ = InstanceState::kLeaving;  // never registered: nothing to tell the store
  }
  clock_.sleep_for(config_.final_sleep_ns, std::stop_token());  // heartbeats go on meanwhile
  stop_loop();
  std::lock_guard op(op_mu_);
  int64_t lease;
  bool registered;
  {
    std::lock_guard lock(mu_);
    lease = lease_;
    registered = registered_;
    registered_ = false;
  }
  if (!registered) return status;
  // Deleting only our own key: one another process wrote since stays.
  int64_t mod_revision;
  {
    std::lock_guard lock(mu_);
    mod_revision = key_mod_revision_;
  }
  const std::string key = this->key();
  auto deleted = kv_.txn({kv::mod_revision_is(key, mod_revision)}, {kv::delete_op(key)}, {});
  if (!deleted.ok()) status = deleted.status_error();
  auto revoked = kv_.lease_revoke(lease);
  if (!revoked.ok() && revoked.code() != util::ErrorCode::kNotFound && status.ok()) status = revoked;
  return status;
}

void Lifecycler::halt() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  stop_loop();
}

InstanceState Lifecycler::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

std::vector<uint32_t> Lifecycler::tokens() const {
  std::lock_guard lock(mu_);
  return tokens_;
}

bool Lifecycler::registered() const {
  std::lock_guard lock(mu_);
  return registered_;
}

int64_t Lifecycler::lease_id() const {
  std::lock_guard lock(mu_);
  return lease_;
}

int64_t Lifecycler::lease_ttl_seconds() const {
  std::lock_guard lock(mu_);
  return lease_ttl_;
}

LifecyclerStats Lifecycler::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace ring
