// Streams answered with categorized labels (Loki's `categorize-labels`: stream labels on the
// stream, structured metadata and parsed labels on each entry) turned back into the form Loki
// answers without the flag, where each entry's labels are all three merged. Clients that print
// merged labels (logcli's default and raw output) use it on a categorized answer. Pure
// functions; thread-safe.
#pragma once

#include <vector>

#include "logql/eval/engine.h"
#include "model/labels.h"

namespace query {

// An entry's labels merged: the stream's, its structured metadata and its parsed labels (the
// categories never share a name in an answer; a later category wins if they do).
model::LabelSet merged_entry_labels(const model::LabelSet& stream, const model::Entry& entry);

// Regroups categorized streams by each entry's merged labels: streams ordered by their label
// string as Loki orders them, entries in time order in `direction` within each (stable). Entries
// keep their metadata and parsed labels.
std::vector<logql::Stream> merge_label_categories(std::vector<logql::Stream> streams, logql::Direction direction);

}  // namespace query
