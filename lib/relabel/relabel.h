// Applying relabel rules to label sets: Prometheus's relabel.Process, and Promtail's rule that
// a target's labels starting with "__" are dropped once its relabeling is done.
// Thread-safe: pure functions over their arguments.
#pragma once

#include <optional>
#include <span>

#include "model/labels.h"
#include "relabel/relabel_rule.h"

namespace relabel {

// Applies `rules` in order to `labels`. Returns false as soon as a rule drops the set; the
// labels are then partly relabeled and must not be used.
bool apply_rules(std::span<const RelabelRule> rules, model::LabelSet& labels);

// The relabeled copy of `labels`, or nullopt when a rule dropped it.
std::optional<model::LabelSet> relabel(const model::LabelSet& labels,
                                       std::span<const RelabelRule> rules);

// Removes every label whose name starts with "__" (`__path__`, `__meta_*`, `__address__`...).
// Promtail does this to a target's labels after target relabeling, so internal and discovery
// labels never become stream labels; pipeline relabeling does not call it.
void drop_reserved_labels(model::LabelSet& labels);

}  // namespace relabel
