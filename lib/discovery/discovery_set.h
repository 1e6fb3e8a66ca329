// DiscoverySet: the target groups of one scrape config, from its static groups and its running
// discoverers (file SD, Kubernetes SD), as Prometheus's discovery manager keeps them per
// provider: each discoverer's groups are kept by source (a group with no targets removes its
// source), and after every change the whole current list is handed to on_change.
//
// Thread-safety: discoverers report from their own threads; the set serializes them, so
// on_change is never called concurrently. start()/stop() from one controlling thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "discovery/target_group.h"

namespace discovery {

class DiscoverySet {
 public:
  using ChangeCallback = std::function<void(const std::vector<TargetGroup>& all)>;

  DiscoverySet(std::vector<TargetGroup> static_groups, std::vector<std::unique_ptr<Discoverer>> discoverers);
  ~DiscoverySet();  // stop()

  // Starts every discoverer; on_change gets the full list after each update.
  void start(ChangeCallback on_change);
  void stop();

  // The current groups: static ones first, then each discoverer's in source order.
  std::vector<TargetGroup> groups() const;
  bool has_discoverers() const { return !discoverers_.empty(); }

 private:
  void apply(size_t provider, std::vector<TargetGroup> changed);
  std::vector<TargetGroup> groups_locked() const;

  const std::vector<TargetGroup> static_groups_;
  std::vector<std::unique_ptr<Discoverer>> discoverers_;
  ChangeCallback on_change_;
  mutable std::mutex mu_;  // guards by_provider_; held while on_change_ runs
  std::vector<std::map<std::string, TargetGroup>> by_provider_;
};

}  // namespace discovery
