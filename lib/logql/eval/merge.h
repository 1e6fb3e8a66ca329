// MergeIterator: a k-way merge of entry iterators, each already in `direction` order, into one
// iterator in that order (a binary heap keyed by timestamp). Every LogSource that reads several
// streams or blocks can reuse it. Equal timestamps come out ordered by stream labels (ascending),
// which keeps results deterministic. Not thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "logql/eval/source.h"

namespace logql {

class MergeIterator : public EntryIterator {
 public:
  MergeIterator(std::vector<std::unique_ptr<EntryIterator>> children, Direction direction);

  bool next() override;
  const model::LabelSet& labels() const override { return children_[current_]->labels(); }
  const model::Entry& entry() const override { return children_[current_]->entry(); }
  util::Status status() const override { return status_; }

 private:
  // True when child a's current entry must come out before child b's.
  bool before(size_t a, size_t b) const;
  void push(size_t child);
  size_t pop();

  std::vector<std::unique_ptr<EntryIterator>> children_;
  Direction direction_;
  std::vector<size_t> heap_;  // child indices; heap_[0] is the next to emit
  std::vector<int64_t> ts_;   // each queued child's current timestamp, saving virtual calls
  size_t current_ = 0;
  bool started_ = false;
  bool has_current_ = false;
  util::Status status_;
};

}  // namespace logql
