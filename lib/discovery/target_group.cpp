// TargetGroup helpers (see target_group.h).
#include "discovery/target_group.h"

namespace discovery {

std::vector<model::LabelSet> merged_targets(const TargetGroup& group) {
  std::vector<model::LabelSet> out;
  out.reserve(group.targets.size());
  for (const model::LabelSet& target : group.targets) {
    model::LabelSet merged = group.labels;
    for (const model::Label& l : target) merged.set(l.name, l.value);
    out.push_back(std::move(merged));
  }
  return out;
}

}  // namespace discovery
