// DiscoverySet (see discovery_set.h).
#include "discovery/discovery_set.h"

namespace discovery {

DiscoverySet::DiscoverySet(std::vector<TargetGroup> static_groups, std::vector<std::unique_ptr<Discoverer>> discoverers)
    : static_groups_(std::move(static_groups)),
      discoverers_(std::move(discoverers)),
      by_provider_(discoverers_.size()) {}

DiscoverySet::~DiscoverySet() { stop(); }

void DiscoverySet::start(ChangeCallback on_change) {
  on_change_ = std::move(on_change);
  for (size_t i = 0; i < discoverers_.size(); ++i) {
    discoverers_[i]->start([this, i](std::vector<TargetGroup> changed) { apply(i, std::move(changed)); });
  }
}

void DiscoverySet::stop() {
  for (auto& d : discoverers_) d->stop();
}

void DiscoverySet::apply(size_t provider, std::vector<TargetGroup> changed) {
  std::lock_guard lock(mu_);
  auto& groups = by_provider_[provider];
  for (TargetGroup& g : changed) {
    if (g.targets.empty()) {
      groups.erase(g.source);
    } else {
      std::string source = g.source;
      groups[source] = std::move(g);
    }
  }
  if (on_change_) on_change_(groups_locked());
}

std::vector<TargetGroup> DiscoverySet::groups_locked() const {
  std::vector<TargetGroup> all = static_groups_;
  for (const auto& groups : by_provider_) {
    for (const auto& [source, g] : groups) all.push_back(g);
  }
  return all;
}

std::vector<TargetGroup> DiscoverySet::groups() const {
  std::lock_guard lock(mu_);
  return groups_locked();
}

}  // namespace discovery
