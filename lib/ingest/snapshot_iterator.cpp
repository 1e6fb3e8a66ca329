#include "ingest/snapshot_iterator.h"

#include <algorithm>

#include "logql/eval/merge_iterators.h"

namespace ingest {

namespace {

// Iterates a sorted run of head entries (a copy, or a sealed block's own vector).
class HeadEntriesIterator : public logql::EntryIterator {
 public:
  HeadEntriesIterator(std::shared_ptr<const MemStream> stream, std::shared_ptr<const HeadBlock> owner,
                      std::vector<HeadEntry> copy, const std::vector<HeadEntry>* run, int64_t start, int64_t end,
                      logql::Direction dir)
      : stream_(std::move(stream)), owner_(std::move(owner)), copy_(std::move(copy)), dir_(dir) {
    const std::vector<HeadEntry>& v = run ? *run : copy_;
    auto cmp = [](const HeadEntry& e, int64_t t) { return e.timestamp < t; };
    begin_ = std::lower_bound(v.begin(), v.end(), start, cmp) - v.begin();
    end_ = std::lower_bound(v.begin() + static_cast<std::ptrdiff_t>(begin_), v.end(), end, cmp) - v.begin();
    data_ = v.data();
    pos_ = dir_ == logql::Direction::Forward ? begin_ : end_;
  }

  bool next() override {
    const HeadEntry* e;
    if (dir_ == logql::Direction::Forward) {
      if (pos_ >= end_) return false;
      e = &data_[pos_++];
    } else {
      if (pos_ <= begin_) return false;
      e = &data_[--pos_];
    }
    entry_.timestamp = e->timestamp;
    entry_.line.assign(e->line_data, e->line_size);
    if (e->metadata) entry_.metadata = *e->metadata;
    else if (!entry_.metadata.empty()) entry_.metadata = {};
    return true;
  }
  const model::LabelSet& labels() const override { return stream_->labels(); }
  const model::Entry& entry() const override { return entry_; }

 private:
  std::shared_ptr<const MemStream> stream_;
  std::shared_ptr<const HeadBlock> owner_;
  std::vector<HeadEntry> copy_;
  logql::Direction dir_;
  const HeadEntry* data_ = nullptr;
  size_t begin_ = 0, end_ = 0, pos_ = 0;
  model::Entry entry_;
};

class CutChunkIterator : public logql::EntryIterator {
 public:
  CutChunkIterator(std::shared_ptr<const MemStream> stream, std::shared_ptr<const CutChunk> chunk, int64_t start,
                   int64_t end, logql::Direction dir)
      : stream_(std::move(stream)),
        chunk_(std::move(chunk)),
        it_(chunk_->reader->entries(start, end, dir == logql::Direction::Forward ? chunk::Direction::kForward
                                                                                : chunk::Direction::kBackward)) {}

  bool next() override {
    if (!it_.next()) {
      status_ = it_.status();
      return false;
    }
    entry_.timestamp = it_.timestamp();
    entry_.line.assign(it_.line());
    if (it_.metadata_size() == 0) {
      if (!entry_.metadata.empty()) entry_.metadata = {};
    } else {
      std::vector<model::Label> md;
      md.reserve(it_.metadata_size());
      for (size_t i = 0; i < it_.metadata_size(); ++i) {
        const auto& [name, value] = it_.metadata(i);
        md.push_back({std::string(name), std::string(value)});
      }
      entry_.metadata = model::LabelSet::from_unsorted(std::move(md));
    }
    return true;
  }
  const model::LabelSet& labels() const override { return stream_->labels(); }
  const model::Entry& entry() const override { return entry_; }
  util::Status status() const override { return status_; }

 private:
  std::shared_ptr<const MemStream> stream_;
  std::shared_ptr<const CutChunk> chunk_;
  chunk::EntryIterator it_;
  model::Entry entry_;
  util::Status status_;
};

}  // namespace

std::unique_ptr<logql::EntryIterator> make_snapshot_iterator(std::vector<StreamSnapshot> snapshots, int64_t start,
                                                             int64_t end, logql::Direction direction) {
  std::vector<std::unique_ptr<logql::EntryIterator>> parts;
  for (auto& s : snapshots) {
    if (!s.head.empty())
      parts.push_back(std::make_unique<HeadEntriesIterator>(s.stream, std::move(s.head_owner), std::move(s.head),
                                                            nullptr, start, end, direction));
    for (auto& sealed : s.sealed) {
      if (sealed->empty() || sealed->min_time() >= end || sealed->max_time() < start) continue;
      const std::vector<HeadEntry>* run = &sealed->sorted();
      parts.push_back(std::make_unique<HeadEntriesIterator>(s.stream, std::move(sealed), std::vector<HeadEntry>{}, run,
                                                            start, end, direction));
    }
    for (auto& c : s.chunks) {
      if (c->chunk.min_time >= end || c->chunk.max_time < start) continue;
      parts.push_back(std::make_unique<CutChunkIterator>(s.stream, std::move(c), start, end, direction));
    }
  }
  return logql::merge_iterators(std::move(parts), direction);
}

}  // namespace ingest
