// StreamIterator: the entries of one stored series in [start, end), in direction order, read
// from the chunk files its index refs name.
//
// Chunks are grouped into clusters of time-overlapping chunks. A cluster of one chunk (the usual
// case) streams straight from its ChunkCursor; a cluster of several (out-of-order pushes, or the
// same data flushed twice after a WAL replay) is merged by timestamp, and each group of equal
// timestamps goes through DuplicateFilter so an entry stored twice comes out once, as Loki's
// querier does. Chunk files are opened lazily, cluster by cluster; a missing or corrupt chunk is
// reported (warning + counter) and skipped; a store that does not answer ends the iteration with
// an error (status()) naming the store. Not thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "index/index_format.h"
#include "logql/eval/source.h"
#include "store/chunk_cursor.h"
#include "store/chunk_fetcher.h"
#include "store/duplicate_filter.h"
#include "store/index_catalog.h"

namespace store {

// What every stream of one select() shares.
struct ReadContext {
  std::string tenant;
  const ChunkFetcher* chunks = nullptr;  // opens the chunks refs name
  IndexCatalog* catalog = nullptr;       // told when a chunk turns out to be gone
  int64_t start = 0, end = 0;
  bool forward = true;
  std::shared_ptr<const NeedleGroups> needles;
  bool use_block_filters = true;   // StoreOptions::use_block_filters
  BlockReadPool* pool = nullptr;   // the store's read pool; null: blocks are read by the query thread
  std::function<void(const std::string&)> warn;
  std::atomic<uint64_t>* chunks_opened = nullptr;
  std::atomic<uint64_t>* corrupt_skipped = nullptr;
  const util::Cancellation* cancel = nullptr;  // the query's; checked per block read

  void report_corrupt(const std::string& message) const;
};

class StreamIterator : public logql::EntryIterator {
 public:
  // `chunks`: the series' chunks overlapping the range, in any order, without duplicates.
  StreamIterator(model::LabelSet labels, std::vector<idx::ChunkRef> chunks, std::shared_ptr<const ReadContext> ctx);

  bool next() override;
  const model::LabelSet& labels() const override { return labels_; }
  const model::Entry& entry() const override { return *current_; }
  util::Status status() const override { return status_; }

 private:
  struct GroupEntry {
    model::Entry entry;
    uint32_t source;
  };
  bool open_next_cluster();
  void prepare_next_cluster();
  std::optional<ChunkCursor> open_chunk(const idx::ChunkRef& ref);
  util::Status status_;
  bool fill_group();

  model::LabelSet labels_;
  std::vector<idx::ChunkRef> chunks_;
  std::vector<std::pair<size_t, size_t>> clusters_;  // [begin, end) into chunks_, in iteration order
  size_t next_cluster_ = 0;
  std::shared_ptr<const ReadContext> ctx_;

  std::vector<ChunkCursor> cursors_;  // the current cluster's chunks
  static constexpr size_t kNone = ~size_t{0};
  std::optional<ChunkCursor> prepared_;  // the next cluster's chunk, reading ahead
  size_t prepared_cluster_ = kNone;
  util::Status prepared_status_;
  std::vector<char> alive_;           // cursors_[i] has a current entry
  model::Entry single_;               // current entry when the cluster has one chunk
  const model::Entry* current_ = &single_;

  // Multi-chunk clusters: entries of one timestamp, which of them to emit, and the next to emit.
  std::vector<GroupEntry> group_;
  size_t group_size_ = 0;  // group_ keeps its slots (and their buffers) between groups
  std::vector<char> keep_;
  std::vector<DuplicateFilter::Item> items_;
  size_t group_pos_ = 0;
  DuplicateFilter dedup_;
};

}  // namespace store
