// Entry iterators over stream snapshots (head entries, sealed heads, cut chunks), and the
// merge of all of a query's snapshots into one logql::EntryIterator.
//
// Not thread-safe: one iterator per querying thread. Each iterator owns its snapshot, so the
// data it reads stays alive and unchanged whatever the ingester does meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ingest/mem_stream.h"
#include "logql/eval/source.h"

namespace ingest {

// Entries of the snapshots with timestamps in [start, end), in `direction` order.
std::unique_ptr<logql::EntryIterator> make_snapshot_iterator(std::vector<StreamSnapshot> snapshots, int64_t start,
                                                             int64_t end, logql::Direction direction);

}  // namespace ingest
