#include "logql/eval/memory_source.h"

#include <algorithm>

#include "logql/eval/matchers.h"
#include "logql/eval/merge.h"

namespace logql {
namespace {

// Walks entries [lo, hi) of one sorted stream, forwards or backwards.
class StreamCursor : public EntryIterator {
 public:
  StreamCursor(const MemorySource::StreamData* stream, size_t lo, size_t hi, Direction dir)
      : stream_(stream), lo_(lo), hi_(hi), forward_(dir == Direction::Forward) {}

  bool next() override {
    if (forward_) {
      if (!started_) {
        started_ = true;
        pos_ = lo_;
      } else {
        ++pos_;
      }
      return pos_ < hi_;
    }
    if (!started_) {
      started_ = true;
      pos_ = hi_;
    }
    if (pos_ == lo_) return false;
    --pos_;
    return true;
  }
  const model::LabelSet& labels() const override { return stream_->labels; }
  const model::Entry& entry() const override { return stream_->entries[pos_]; }

 private:
  const MemorySource::StreamData* stream_;
  size_t lo_, hi_, pos_ = 0;
  bool forward_;
  bool started_ = false;
};

}  // namespace

void MemorySource::append(const model::LabelSet& stream, model::Entry entry) {
  auto [it, inserted] = index_.try_emplace(stream, streams_.size());
  if (inserted) {
    streams_.push_back(std::make_unique<StreamData>());
    streams_.back()->labels = stream;
  }
  StreamData& s = *streams_[it->second];
  if (!s.entries.empty() && entry.timestamp < s.entries.back().timestamp) s.sorted = false;
  s.entries.push_back(std::move(entry));
}

util::Result<std::unique_ptr<EntryIterator>> MemorySource::select(const SelectParams& params) {
  auto matchers = LabelMatchers::compile(params.matchers);
  if (!matchers.ok()) return matchers.status_error();
  std::vector<std::unique_ptr<EntryIterator>> cursors;
  for (auto& s : streams_) {
    if (!matchers->matches(s->labels)) continue;
    if (!s->sorted) {
      std::stable_sort(s->entries.begin(), s->entries.end(),
                       [](const model::Entry& a, const model::Entry& b) { return a.timestamp < b.timestamp; });
      s->sorted = true;
    }
    auto by_ts = [](const model::Entry& e, int64_t t) { return e.timestamp < t; };
    size_t lo = std::lower_bound(s->entries.begin(), s->entries.end(), params.start, by_ts) - s->entries.begin();
    size_t hi = std::lower_bound(s->entries.begin(), s->entries.end(), params.end, by_ts) - s->entries.begin();
    if (lo >= hi) continue;
    cursors.push_back(std::make_unique<StreamCursor>(s.get(), lo, hi, params.direction));
  }
  return std::unique_ptr<EntryIterator>(std::make_unique<MergeIterator>(std::move(cursors), params.direction));
}

}  // namespace logql
