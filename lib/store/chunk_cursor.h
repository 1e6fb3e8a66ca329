// ChunkCursor: walks the entries of one chunk file inside [start, end) in either direction,
// reading only the blocks that overlap the range. When the query has literal `|=` filters, it
// skips blocks whose trigram filter (chunk/trigram_filter.h) proves a literal absent without
// reading them, then blocks whose decompressed payload lacks a literal, then entries whose line
// lacks one (the engine re-applies every filter, so skipping is only an optimisation).
//
// With a BlockReadPool, the next blocks are checked, decompressed and filtered by the pool's
// threads while the query thread consumes the current one; entries still come out in exactly
// the order they would without it.
//
// A corrupt block is reported through `on_corrupt` and skipped; the cursor carries on with the
// next block, so one bad block does not hide the rest of the chunk. Views returned by line() are
// valid until the next call to next(). Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chunk/block_codec.h"
#include "chunk/chunk_reader.h"
#include "model/entry.h"
#include "store/block_read_pool.h"
#include "util/cancellation.h"

namespace store {

// Literal line filters a block must satisfy to be worth reading: every group needs at least one
// of its strings present (`|= "a" or "b"` is one group).
using NeedleGroups = std::vector<std::vector<std::string>>;

struct ChunkCursorOptions {
  int64_t start = 0, end = 0;  // [start, end)
  bool forward = true;
  std::shared_ptr<const NeedleGroups> needles;  // null or empty: no literal filters
  bool use_block_filters = true;                // false: ignore stored trigram filters
  // Checked before each block is read: once it has fired the cursor ends, so a query whose
  // filters skip block after block still stops at its deadline. May be null.
  const util::Cancellation* cancel = nullptr;
  BlockReadPool* pool = nullptr;  // null: every block is read on the calling thread
  std::function<void(const std::string&)> on_corrupt;
};

class ChunkCursor {
 public:
  ChunkCursor(chunk::ChunkReader reader, ChunkCursorOptions options);
  ~ChunkCursor();
  ChunkCursor(ChunkCursor&&) noexcept;
  ChunkCursor& operator=(ChunkCursor&&) noexcept;

  // Hands this chunk's first blocks to the pool now, before the first next() (which would
  // otherwise read the first block itself): for a chunk the query will reach later.
  void prefetch();

  // Moves to the next entry in range; false at the end.
  bool next();
  int64_t timestamp() const { return cur_->timestamp; }
  std::string_view line() const;
  // Copies the current entry into `e`, reusing its buffers.
  void copy_to(model::Entry& e) const;

  // Blocks in range never read because their filter ruled the query's literals out.
  uint64_t blocks_skipped_by_filter() const { return skipped_by_filter_; }

  struct BlockRead;  // one block, read and filtered here or on the pool

 private:
  bool load_next_block();
  void schedule(bool pool_first);
  bool filter_rules_out(uint32_t block) const;

  std::shared_ptr<const chunk::ChunkReader> reader_;  // dropped once every block is scheduled
  ChunkCursorOptions opts_;
  std::vector<uint32_t> blocks_;  // overlapping blocks, in iteration order
  size_t next_block_ = 0;         // next of blocks_ to schedule
  bool ended_ = false;
  std::deque<std::shared_ptr<BlockRead>> ahead_;  // scheduled, in consumption order
  std::shared_ptr<BlockRead> current_;
  const chunk::EntryView* cur_ = nullptr;
  size_t pos_ = 0;  // next of current_'s selected entries
  uint64_t skipped_by_filter_ = 0;
};

}  // namespace store
