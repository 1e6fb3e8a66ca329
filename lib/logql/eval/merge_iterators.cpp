// merge_iterators() (see merge_iterators.h).
#include "logql/eval/merge_iterators.h"

#include "logql/eval/merge.h"

namespace logql {
namespace {

// Unlike an empty MergeIterator, it answers labels() and entry() even if asked out of turn.
class EmptyIterator : public EntryIterator {
 public:
  bool next() override { return false; }
  const model::LabelSet& labels() const override { return labels_; }
  const model::Entry& entry() const override { return entry_; }

 private:
  model::LabelSet labels_;
  model::Entry entry_;
};

}  // namespace

std::unique_ptr<EntryIterator> merge_iterators(std::vector<std::unique_ptr<EntryIterator>> children,
                                               Direction direction) {
  if (children.empty()) return std::make_unique<EmptyIterator>();
  if (children.size() == 1) return std::move(children.front());
  return std::make_unique<MergeIterator>(std::move(children), direction);
}

}  // namespace logql
