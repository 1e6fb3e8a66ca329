// ChunkCursor: walks the entries of one chunk file inside [start, end) in either direction,
// decompressing only the blocks that overlap the range and, when the query has literal `|=`
// filters, skipping whole blocks whose decompressed payload lacks a needle, and then entries
// whose line lacks one (the engine re-applies every filter, so skipping is only an optimisation).
//
// A corrupt block is reported through `on_corrupt` and skipped; the cursor carries on with the
// next block, so one bad block does not hide the rest of the chunk. Views returned by line() and
// metadata() are valid until the next call to next(). Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "chunk/block_codec.h"
#include "chunk/chunk_reader.h"
#include "model/entry.h"
#include "util/cancellation.h"

namespace store {

// Literal line filters a block must satisfy to be worth reading: every group needs at least one
// of its strings present (`|= "a" or "b"` is one group).
using NeedleGroups = std::vector<std::vector<std::string>>;

class ChunkCursor {
 public:
  // `cancel` (may be null) is checked before each block is decompressed: once it has fired the
  // cursor ends, so a query whose filters skip block after block still stops at its deadline.
  ChunkCursor(chunk::ChunkReader reader, int64_t start, int64_t end, bool forward, const NeedleGroups* needles,
              std::function<void(const std::string&)> on_corrupt, const util::Cancellation* cancel = nullptr);

  // Moves to the next entry in range; false at the end.
  bool next();
  int64_t timestamp() const { return cur_->timestamp; }
  std::string_view line() const { return block_.line(*cur_); }
  // Copies the current entry into `e`, reusing its buffers.
  void copy_to(model::Entry& e) const;

 private:
  bool load_next_block();
  bool block_has_needles() const;

  chunk::ChunkReader reader_;
  int64_t start_, end_;
  bool forward_;
  const NeedleGroups* needles_;
  std::function<void(const std::string&)> on_corrupt_;
  const util::Cancellation* cancel_;
  std::vector<uint32_t> blocks_;  // overlapping blocks, in iteration order
  size_t next_block_ = 0;
  std::string payload_;
  chunk::DecodedBlock block_;
  const chunk::EntryView* cur_ = nullptr;
  size_t pos_ = 0;  // next entry to look at (forward) or one past it (backward)
  bool in_block_ = false;
};

}  // namespace store
