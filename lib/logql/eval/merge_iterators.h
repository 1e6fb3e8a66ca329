// merge_iterators(): one EntryIterator over the per-stream (or per-block) iterators a LogSource
// gathered for a select(): an empty iterator for none, the child itself for one (the common
// single-stream query pays no heap), a MergeIterator otherwise. Shared by the ingester's snapshot
// iterator and the store's source, which both end a select() this way.
//
// Not thread-safe (the returned iterator, like every EntryIterator).
#pragma once

#include <memory>
#include <vector>

#include "logql/eval/source.h"

namespace logql {

// `children` must each be in `direction` order.
std::unique_ptr<EntryIterator> merge_iterators(std::vector<std::unique_ptr<EntryIterator>> children,
                                               Direction direction);

}  // namespace logql
