#include "logql/eval/merge.h"

#include <utility>

namespace logql {

MergeIterator::MergeIterator(std::vector<std::unique_ptr<EntryIterator>> children, Direction direction)
    : children_(std::move(children)), direction_(direction) {
  heap_.reserve(children_.size());
  ts_.resize(children_.size());
}

bool MergeIterator::before(size_t a, size_t b) const {
  int64_t ta = ts_[a], tb = ts_[b];
  if (ta != tb) return direction_ == Direction::Forward ? ta < tb : ta > tb;
  const model::LabelSet& la = children_[a]->labels();
  const model::LabelSet& lb = children_[b]->labels();
  if (&la == &lb) return a < b;
  auto c = la <=> lb;
  if (c != 0) return c < 0;
  return a < b;
}

// A hand-rolled sift keeps the comparator cheap (no std::function) and lets us pop without
// copying iterator state.
void MergeIterator::push(size_t child) {
  ts_[child] = children_[child]->entry().timestamp;
  heap_.push_back(child);
  size_t i = heap_.size() - 1;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!before(heap_[i], heap_[parent])) break;
    std::swap(heap_[i], heap_[parent]);
    i = parent;
  }
}

size_t MergeIterator::pop() {
  size_t top = heap_[0];
  heap_[0] = heap_.back();
  heap_.pop_back();
  size_t i = 0, n = heap_.size();
  while (true) {
    size_t l = 2 * i + 1, r = l + 1, best = i;
    if (l < n && before(heap_[l], heap_[best])) best = l;
    if (r < n && before(heap_[r], heap_[best])) best = r;
    if (best == i) break;
    std::swap(heap_[i], heap_[best]);
    i = best;
  }
  return top;
}

bool MergeIterator::next() {
  if (!status_.ok()) return false;
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (children_[i]->next()) {
        push(i);
      } else if (!children_[i]->status().ok()) {
        status_ = children_[i]->status();
        return false;
      }
    }
  } else if (has_current_) {
    // Fast path: with a single live child there is nothing to merge.
    if (children_[current_]->next()) {
      if (heap_.empty()) return true;
      push(current_);
    } else if (!children_[current_]->status().ok()) {
      status_ = children_[current_]->status();
      has_current_ = false;
      return false;
    }
  }
  if (heap_.empty()) {
    has_current_ = false;
    return false;
  }
  current_ = pop();
  has_current_ = true;
  return true;
}

}  // namespace logql
