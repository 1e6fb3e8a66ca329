#include "relabel/relabel.h"

#include <string>
#include <vector>

namespace relabel {

bool apply_rules(std::span<const RelabelRule> rules, model::LabelSet& labels) {
  for (const RelabelRule& rule : rules) {
    if (!rule.apply(labels)) return false;
  }
  return true;
}

std::optional<model::LabelSet> relabel(const model::LabelSet& labels,
                                       std::span<const RelabelRule> rules) {
  model::LabelSet out = labels;
  if (!apply_rules(rules, out)) return std::nullopt;
  return out;
}

void drop_reserved_labels(model::LabelSet& labels) {
  bool any = false;
  for (const model::Label& l : labels) any = any || l.name.starts_with("__");
  if (!any) return;
  std::vector<model::Label> kept;
  kept.reserve(labels.size());
  for (const model::Label& l : labels) {
    if (!l.name.starts_with("__")) kept.push_back(l);
  }
  labels = model::LabelSet::from_unsorted(std::move(kept));
}

}  // namespace relabel
