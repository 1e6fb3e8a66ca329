#include "store/dedup_merge_source.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "store/duplicate_filter.h"

namespace store {
namespace {

class DedupMergeIterator : public logql::EntryIterator {
 public:
  DedupMergeIterator(std::vector<std::unique_ptr<logql::EntryIterator>> children, logql::Direction direction)
      : children_(std::move(children)),
        forward_(direction == logql::Direction::Forward),
        alive_(children_.size(), 0),
        canonical_by_child_(children_.size()) {}

  bool next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < children_.size(); ++i) advance(i);
    }
    for (;;) {
      while (pos_ < order_.size()) {
        uint32_t i = order_[pos_++];
        if (keep_[i]) {
          current_ = i;
          return true;
        }
      }
      if (!status_.ok() || !fill_group()) return false;
    }
  }
  const model::LabelSet& labels() const override { return *group_[current_].labels; }
  const model::Entry& entry() const override { return group_[current_].entry; }
  util::Status status() const override { return status_; }

 private:
  struct GroupEntry {
    const model::LabelSet* labels;  // canonical: one object per distinct stream
    model::Entry entry;
    uint32_t source;
  };

  void advance(size_t i) {
    alive_[i] = children_[i]->next() ? 1 : 0;
    if (!alive_[i]) {
      if (auto s = children_[i]->status(); !s.ok() && status_.ok()) status_ = s;
    }
  }

  // Children may return the same stream as different objects; callers may key per-stream state by
  // address, so each distinct label set is handed out as one object for the iterator's lifetime.
  const model::LabelSet* canonical(size_t child, const model::LabelSet& labels) {
    auto& by_address = canonical_by_child_[child];
    if (auto it = by_address.find(&labels); it != by_address.end()) return it->second;
    const model::LabelSet* c = &canonical_.try_emplace(labels, 0).first->first;
    by_address.emplace(&labels, c);
    return c;
  }

  // Moves every entry with the next timestamp into the group, then decides which to emit.
  bool fill_group() {
    bool found = false;
    int64_t ts = 0;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (!alive_[i]) continue;
      int64_t t = children_[i]->entry().timestamp;
      if (!found || (forward_ ? t < ts : t > ts)) ts = t, found = true;
    }
    if (!found) return false;
    size_t n = 0;
    for (size_t i = 0; i < children_.size(); ++i) {
      while (alive_[i] && children_[i]->entry().timestamp == ts) {
        if (n == group_.size()) group_.emplace_back();
        auto& g = group_[n++];
        g.labels = canonical(i, children_[i]->labels());
        const auto& e = children_[i]->entry();
        g.entry.timestamp = e.timestamp;
        g.entry.line.assign(e.line);
        g.entry.metadata = e.metadata;
        g.source = static_cast<uint32_t>(i);
        advance(i);
      }
    }
    // Order by stream (then child, then arrival, which keeps each child's order), and run the
    // duplicate filter over each stream's slice.
    order_.resize(n);
    for (size_t i = 0; i < n; ++i) order_[i] = static_cast<uint32_t>(i);
    if (n > 1) {
      std::sort(order_.begin(), order_.end(), [this](uint32_t a, uint32_t b) {
        const auto& ga = group_[a];
        const auto& gb = group_[b];
        if (ga.labels != gb.labels) return *ga.labels < *gb.labels;
        if (ga.source != gb.source) return ga.source < gb.source;
        return a < b;
      });
    }
    keep_.assign(n, 1);
    for (size_t s = 0; s < n;) {
      size_t e = s + 1;
      while (e < n && group_[order_[e]].labels == group_[order_[s]].labels) ++e;
      if (e - s > 1) {
        items_.resize(e - s);
        for (size_t k = s; k < e; ++k) items_[k - s] = {group_[order_[k]].entry.line, group_[order_[k]].source};
        dedup_.mark(items_.data(), e - s, slice_keep_);
        for (size_t k = s; k < e; ++k) keep_[order_[k]] = slice_keep_[k - s];
      }
      s = e;
    }
    pos_ = 0;
    return true;
  }

  std::vector<std::unique_ptr<logql::EntryIterator>> children_;
  bool forward_;
  std::vector<char> alive_;
  bool started_ = false;
  util::Status status_;

  std::map<model::LabelSet, int> canonical_;  // node-based: keys never move
  std::vector<std::unordered_map<const model::LabelSet*, const model::LabelSet*>> canonical_by_child_;

  std::vector<GroupEntry> group_;  // slots reused between groups
  std::vector<uint32_t> order_;    // emission order of the group
  std::vector<char> keep_, slice_keep_;
  std::vector<DuplicateFilter::Item> items_;
  DuplicateFilter dedup_;
  size_t pos_ = 0;
  uint32_t current_ = 0;
};

}  // namespace

std::unique_ptr<logql::EntryIterator> make_dedup_merge_iterator(
    std::vector<std::unique_ptr<logql::EntryIterator>> children, logql::Direction direction) {
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<DedupMergeIterator>(std::move(children), direction);
}

DedupMergeSource::DedupMergeSource(std::vector<logql::LogSource*> children) : children_(std::move(children)) {}

DedupMergeSource::DedupMergeSource(std::vector<std::unique_ptr<logql::LogSource>> children)
    : owned_(std::move(children)) {
  for (auto& c : owned_) children_.push_back(c.get());
}

util::Result<std::unique_ptr<logql::EntryIterator>> DedupMergeSource::select(const logql::SelectParams& params) {
  std::vector<std::unique_ptr<logql::EntryIterator>> its;
  its.reserve(children_.size());
  for (auto* c : children_) {
    auto it = c->select(params);
    if (!it.ok()) return it.status_error();
    its.push_back(std::move(*it));
  }
  return make_dedup_merge_iterator(std::move(its), params.direction);
}

}  // namespace store
