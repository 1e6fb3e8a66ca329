// TargetGroup: what a service discovery mechanism reports, as Prometheus's targetgroup.Group: a
// `source` that identifies the group across updates ("pod/default/web-0", "/etc/sd/a.json:0"),
// labels common to every target, and the targets' own label sets. A group with no targets
// replaces (and so removes) an earlier group of the same source.
//
// Thread-safety: plain values.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/labels.h"

namespace discovery {

struct TargetGroup {
  std::string source;
  model::LabelSet labels;                // common to every target
  std::vector<model::LabelSet> targets;  // each wins over `labels` on a shared name
  bool operator==(const TargetGroup&) const = default;
};

// The label sets of a group's targets with the group labels merged under them (the target's own
// value wins, as in Prometheus's scrape target construction).
std::vector<model::LabelSet> merged_targets(const TargetGroup& group);

// A discoverer's report: the groups that changed since its last report (a group with no targets
// means the source is gone). Called from the discoverer's own thread.
using UpdateCallback = std::function<void(std::vector<TargetGroup> changed)>;

// A running discovery mechanism (file SD, Kubernetes SD).
class Discoverer {
 public:
  virtual ~Discoverer() = default;
  // Starts the background work; `on_update` gets the initial groups, then every change.
  virtual void start(UpdateCallback on_update) = 0;
  // Stops and joins the background work; no callback runs after it returns. Idempotent.
  virtual void stop() = 0;
};

}  // namespace discovery
