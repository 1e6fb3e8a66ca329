#include "ring/ring_state.h"

#include <algorithm>
#include <set>

namespace ring {
namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr double kTokenSpace = 4294967296.0;  // 2^32

bool same_topology(const std::vector<InstanceDesc>& a, const std::vector<InstanceDesc>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].zone != b[i].zone || a[i].tokens != b[i].tokens) return false;
  }
  return true;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

bool ReplicationSet::includes(const std::string& id) const {
  return std::any_of(instances.begin(), instances.end(), [&](const InstanceDesc& d) { return d.id == id; });
}

RingState::RingState(std::vector<InstanceDesc> instances, const RingState* previous, StoreOutage outage)
    : instances_(std::move(instances)), outage_(outage) {
  std::sort(instances_.begin(), instances_.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  if (previous && same_topology(previous->instances_, instances_)) {
    table_ = previous->table_;
  } else {
    table_ = build_table(instances_);
  }
}

std::shared_ptr<const RingState::TokenTable> RingState::build_table(const std::vector<InstanceDesc>& instances) {
  auto table = std::make_shared<TokenTable>();
  std::vector<std::pair<uint32_t, uint32_t>> all;  // token, owner
  std::set<std::string> zones;
  for (uint32_t i = 0; i < instances.size(); ++i) {
    for (uint32_t t : instances[i].tokens) all.emplace_back(t, i);
    if (!instances[i].zone.empty()) zones.insert(instances[i].zone);
  }
  std::sort(all.begin(), all.end());  // ties: the instance first by id wins
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0 && all[i].first == all[i - 1].first) {
      ++table->conflicts;
      continue;
    }
    table->tokens.push_back(all[i].first);
    table->owners.push_back(all[i].second);
  }
  table->zones = static_cast<int>(zones.size());
  return table;
}

const InstanceDesc* RingState::find(const std::string& id) const {
  auto it = std::lower_bound(instances_.begin(), instances_.end(), id,
                             [](const InstanceDesc& d, const std::string& key) { return d.id < key; });
  return it != instances_.end() && it->id == id ? &*it : nullptr;
}

int64_t RingState::heartbeat_age_ns(const InstanceDesc& instance, int64_t now_ns) const {
  int64_t beat = instance.heartbeat_unix_ms * kNanosPerMilli;
  int64_t age = now_ns - beat;
  if (outage_.start_ns > 0) {
    int64_t end = outage_.end_ns > 0 ? std::min(outage_.end_ns, now_ns) : now_ns;
    age -= std::max<int64_t>(0, end - std::max(beat, outage_.start_ns));
  }
  return age;
}

bool RingState::healthy(const InstanceDesc& instance, const Operation& op, int64_t now_ns,
                        const RingOptions& options) const {
  if (!op.healthy_in(instance.state)) return false;
  if (options.heartbeat_timeout_ns <= 0) return true;
  return heartbeat_age_ns(instance, now_ns) <= options.heartbeat_timeout_ns;
}

util::Result<ReplicationSet> RingState::get(uint32_t key, const Operation& op, int64_t now_ns,
                                            const RingOptions& options) const {
  const auto& tokens = table_->tokens;
  if (tokens.empty()) return util::unavailable("the ring is empty");
  int n = options.replication_factor;
  std::vector<std::string> hosts, zones;
  std::vector<InstanceDesc> picked;
  // The first token above the key owns it; past the last token the ring wraps to the first.
  size_t start = std::upper_bound(tokens.begin(), tokens.end(), key) - tokens.begin();
  for (size_t i = 0; static_cast<int>(hosts.size()) < n && i < tokens.size(); ++i) {
    const InstanceDesc& inst = instances_[table_->owners[(start + i) % tokens.size()]];
    if (contains(hosts, inst.id)) continue;
    bool zoned = options.zone_awareness && !inst.zone.empty();
    if (zoned && contains(zones, inst.zone)) continue;
    hosts.push_back(inst.id);
    if (op.extends_on(inst.state)) {
      ++n;  // this one cannot serve the operation: look for one more (in the same zone too)
    } else if (zoned) {
      zones.push_back(inst.zone);
    }
    picked.push_back(inst);
  }

  // A quorum of the (possibly grown) set must be healthy.
  int rf = std::max(options.replication_factor, static_cast<int>(picked.size()));
  int min_success = rf / 2 + 1;
  ReplicationSet out;
  std::string unhealthy;
  for (auto& inst : picked) {
    if (healthy(inst, op, now_ns, options)) {
      out.instances.push_back(std::move(inst));
    } else {
      unhealthy += (unhealthy.empty() ? "" : ",") + inst.addr;
    }
  }
  int live = static_cast<int>(out.instances.size());
  if (live < min_success) {
    return util::unavailable("at least " + std::to_string(min_success) + " live replicas required, could only find " +
                             std::to_string(live) + (unhealthy.empty() ? "" : " - unhealthy instances: " + unhealthy));
  }
  out.max_errors = live - min_success;
  return out;
}

ReplicationSet RingState::get_all_healthy(const Operation& op, int64_t now_ns, const RingOptions& options) const {
  ReplicationSet out;
  for (const auto& inst : instances_) {
    if (healthy(inst, op, now_ns, options)) out.instances.push_back(inst);
  }
  return out;
}

util::Result<ReplicationSet> RingState::get_replication_set_for_operation(const Operation& op, int64_t now_ns,
                                                                          const RingOptions& options) const {
  if (table_->tokens.empty()) return util::unavailable("the ring is empty");
  ReplicationSet out;
  std::set<std::string> failed_zones;
  for (const auto& inst : instances_) {
    if (healthy(inst, op, now_ns, options)) {
      out.instances.push_back(inst);
    } else {
      failed_zones.insert(inst.zone);
    }
  }
  int rf = options.replication_factor;
  if (options.zone_awareness) {
    // Data is in rf distinct zones: a quorum of zones must answer, and a zone with any failed
    // instance is left out whole (its healthy instances add nothing).
    int zones = std::min(table_->zones, rf);
    int max_unavailable = zones / 2;
    if (static_cast<int>(failed_zones.size()) > max_unavailable) {
      return util::unavailable("too many unhealthy instances in the ring: " + std::to_string(failed_zones.size()) +
                               " zones have failures, at most " + std::to_string(max_unavailable) + " tolerated");
    }
    std::erase_if(out.instances, [&](const InstanceDesc& d) { return failed_zones.count(d.zone) > 0; });
    out.max_unavailable_zones = max_unavailable - static_cast<int>(failed_zones.size());
    return out;
  }
  int required = std::max(static_cast<int>(instances_.size()), rf) - rf / 2;
  int live = static_cast<int>(out.instances.size());
  if (live < required) {
    return util::unavailable("too many unhealthy instances in the ring: " + std::to_string(live) + " healthy, " +
                             std::to_string(required) + " required");
  }
  out.max_errors = live - required;
  return out;
}

std::vector<InstanceStatus> RingState::describe(int64_t now_ns, const RingOptions& options) const {
  std::vector<InstanceStatus> out;
  out.reserve(instances_.size());
  for (const auto& inst : instances_) out.push_back({inst, healthy(inst, kReporting, now_ns, options), 0});
  // Token i owns the keys from the previous token up to it (they look up to the first token above).
  const auto& tokens = table_->tokens;
  for (size_t i = 0; i < tokens.size(); ++i) {
    uint32_t previous = tokens[i == 0 ? tokens.size() - 1 : i - 1];
    uint32_t span = tokens[i] - previous;  // wraps modulo 2^32 for the first token
    double share = tokens.size() == 1 ? kTokenSpace : static_cast<double>(span);
    out[table_->owners[i]].ownership_percent += share / kTokenSpace * 100.0;
  }
  return out;
}

RingStats RingState::stats(int64_t now_ns, const RingOptions& options) const {
  RingStats s;
  for (const auto& inst : instances_) {
    switch (inst.state) {
      case InstanceState::kPending: ++s.pending; break;
      case InstanceState::kJoining: ++s.joining; break;
      case InstanceState::kActive: ++s.active; break;
      case InstanceState::kLeaving: ++s.leaving; break;
    }
    if (healthy(inst, kReporting, now_ns, options)) {
      ++s.healthy;
    } else {
      ++s.unhealthy;
    }
  }
  s.tokens = static_cast<int>(table_->tokens.size());
  s.conflicting_tokens = table_->conflicts;
  return s;
}

}  // namespace ring
