// The uncompressed payload of one chunk block, column by column: timestamps (delta varints),
// line lengths, structured metadata (names interned per block), then the lines back to back.
// Keeping the lines contiguous is what lets zstd compress a block about as well as plain text.
//
// BlockEncoder accumulates entries without per-entry allocations (its buffers are reused from
// block to block). DecodedBlock parses a payload into views that point into the payload buffer.
// Neither is thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/labels.h"
#include "util/huge_page_slots.h"
#include "util/result.h"

namespace chunk {

// A block-sized string buffer for this thread, reused from one writer to the next (its contents
// are cleared, its capacity kept), and its return. A fresh 256 KiB buffer is a fresh mmap
// faulted in page by page, which cost more than the copy into it when every head block is
// compressed by a new ChunkWriter.
std::string take_block_buffer();
void give_block_buffer(std::string&& buffer);

class BlockEncoder {
 public:
  BlockEncoder();
  ~BlockEncoder();
  BlockEncoder(const BlockEncoder&) = delete;
  BlockEncoder& operator=(const BlockEncoder&) = delete;

  // REQUIRES: ts >= the previous entry's timestamp in this block.
  void add(int64_t ts, std::string_view line, const std::vector<model::Label>& metadata);

  size_t entries() const { return entries_; }
  bool empty() const { return entries_ == 0; }
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return last_ts_; }
  // Bytes of line text so far (the payload's last section).
  size_t line_bytes() const { return lines_.size(); }
  // The payload size if the block were cut now.
  size_t payload_size() const;

  // Writes the payload to `out` (replacing its contents) and resets the encoder.
  void finish_into(std::string& out);

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  uint32_t name_index(std::string_view name);

  size_t entries_ = 0;
  int64_t min_time_ = 0;
  int64_t last_ts_ = 0;
  std::string timestamps_;  // first: ts - min_time (always 0); then delta from the previous entry
  std::string lengths_;
  std::string pair_counts_;  // one uvarint per entry: how many metadata pairs it has
  std::string pairs_;        // (name index, value) per pair
  std::string lines_;
  bool any_metadata_ = false;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> name_ids_;
};

// Where a block is decompressed to: grown as needed, reused from block to block, and never
// zero-filled (decompression overwrites what a block uses), which a std::string's resize would do.
// Blocks up to 2 MiB (all of them at the default 256 KiB block size) live in slots of the
// process's huge-page pool (util/huge_page_slots.h), already faulted in when recycled.
class BlockBuffer {
 public:
  BlockBuffer() = default;
  ~BlockBuffer() { release(); }
  BlockBuffer(BlockBuffer&& o) noexcept : slot_(o.slot_), pooled_(o.pooled_) { o.slot_ = {}; }
  BlockBuffer& operator=(BlockBuffer&& o) noexcept {
    if (this != &o) {
      release();
      slot_ = o.slot_;
      pooled_ = o.pooled_;
      o.slot_ = {};
    }
    return *this;
  }

  char* reserve(size_t n);

 private:
  void release();

  util::HugePageSlots::Slot slot_;
  bool pooled_ = false;  // slot_ is from the pool (else from new[])
};

// One entry of a decoded block; its strings live in the DecodedBlock.
struct EntryView {
  int64_t timestamp;
  uint32_t line_offset;
  uint32_t line_size;
  uint32_t metadata_begin;  // index into DecodedBlock::metadata()
  uint32_t metadata_count;
};

class DecodedBlock {
 public:
  // Parses `payload` (which must stay alive and unchanged while this block is used), checking
  // that it holds exactly `expected_entries` entries whose timestamps are non-decreasing and lie
  // in [min_time, max_time], the first equal to min_time and the last to max_time. `where` names
  // the block in error messages.
  util::Status parse(std::string_view payload, uint32_t expected_entries, int64_t min_time,
                     int64_t max_time, const std::string& where);

  std::string_view payload() const { return payload_; }
  const std::vector<EntryView>& entries() const { return entries_; }
  std::string_view line(const EntryView& e) const { return payload_.substr(e.line_offset, e.line_size); }
  const std::vector<std::pair<std::string_view, std::string_view>>& metadata() const { return metadata_; }

 private:
  std::string_view payload_;
  std::vector<EntryView> entries_;
  std::vector<std::string_view> names_;
  std::vector<std::pair<std::string_view, std::string_view>> metadata_;
};

}  // namespace chunk
