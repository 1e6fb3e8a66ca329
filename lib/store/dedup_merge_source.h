// DedupMergeSource: one LogSource over several (e.g. the ingester's in-memory source and the
// store's source of one tenant), whose select() merges the children's entries in direction
// order and emits an entry found in several children once.
//
// Identity is (stream labels, timestamp, line), as in Loki's querier; among equal entries the
// first child's metadata wins. Same-stream entries of one timestamp are deduplicated with
// DuplicateFilter's multiset rule, so a stream that really holds several entries with one
// timestamp keeps all of them, however many children return them. Entries of one timestamp come
// out ordered by stream labels (like logql::MergeIterator), each stream's in its child's order.
//
// The source does not own its children unless given them as unique_ptrs. select() may be called
// concurrently if the children allow it; each iterator belongs to one thread.
#pragma once

#include <memory>
#include <vector>

#include "logql/eval/source.h"

namespace store {

class DedupMergeSource : public logql::LogSource {
 public:
  // Borrows the children, which must outlive the source and its iterators.
  explicit DedupMergeSource(std::vector<logql::LogSource*> children);
  // Owns the children.
  explicit DedupMergeSource(std::vector<std::unique_ptr<logql::LogSource>> children);

  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override;

 private:
  std::vector<std::unique_ptr<logql::LogSource>> owned_;
  std::vector<logql::LogSource*> children_;
};

// The iterator on its own, for callers that already hold per-child iterators.
std::unique_ptr<logql::EntryIterator> make_dedup_merge_iterator(
    std::vector<std::unique_ptr<logql::EntryIterator>> children, logql::Direction direction);

}  // namespace store
