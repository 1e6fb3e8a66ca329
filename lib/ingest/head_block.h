// HeadBlock: the entries of one stream that are not yet cut into a chunk, in memory.
//
// Lines are copied into an arena of pages that never move (pages grow from 256 bytes to 2 MiB, so
// 100k small streams stay small; full-size pages come from LinePagePool), and each entry is a fixed 32-byte record pointing into it:
// appends do no per-entry heap allocation unless the entry carries structured metadata.
// In-order entries (the common case) go to the sorted run; older ones go to an out-of-order map
// that is merged into the run when it grows, so the dedup check and range copies stay
// logarithmic. Exact duplicates (same timestamp and line) are refused; equal timestamps with
// different lines are all kept, in arrival order.
//
// Not thread-safe: the owning stream's mutex guards it. Copies made by copy_range() and the
// pointers in them stay valid as long as the block is alive, even while it keeps growing.
// After seal() the block is immutable and may be read from any thread without the lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "model/labels.h"

namespace ingest {

struct HeadEntry {
  int64_t timestamp;
  const char* line_data;
  uint32_t line_size;
  const model::LabelSet* metadata;  // nullptr when the entry has none; owned by the block
  std::string_view line() const { return {line_data, line_size}; }
};

class HeadBlock {
 public:
  HeadBlock() = default;
  ~HeadBlock();
  HeadBlock(const HeadBlock&) = delete;
  HeadBlock& operator=(const HeadBlock&) = delete;

  // Adds an entry; false (and nothing changes) if the same timestamp and line are already here.
  // REQUIRES: !sealed(); line.size() < 4 GiB.
  bool append(int64_t ts, std::string_view line, const model::LabelSet& metadata);

  size_t size() const { return sorted_.size() + out_of_order_.size(); }
  bool empty() const { return size() == 0; }
  uint64_t line_bytes() const { return line_bytes_; }
  // What the ingester's memory ceiling counts for this block: line and metadata bytes plus the
  // per-entry record (an estimate of the heap it holds, not an exact figure).
  uint64_t memory_bytes() const { return memory_bytes_; }
  int64_t min_time() const { return min_time_; }  // REQUIRES: !empty()
  int64_t max_time() const { return sorted_.back().timestamp; }  // REQUIRES: !empty()

  // Appends the entries with start <= timestamp < end to `out`, in timestamp order.
  void copy_range(int64_t start, int64_t end, std::vector<HeadEntry>& out) const;

  // Merges the out-of-order entries into the sorted run; afterwards the block must not change.
  void seal();
  bool sealed() const { return sealed_; }
  // Empties the block for reuse (sealed or not), keeping its largest page of line memory and its
  // entry vector's capacity, which are already faulted in: a stream whose head is compressed
  // every block_size bytes refills the same memory instead of faulting in fresh pages.
  // REQUIRES: no copy of the block's entries is in use (nobody else holds the block).
  void reset();
  // Every entry in timestamp order. REQUIRES: sealed().
  const std::vector<HeadEntry>& sorted() const { return sorted_; }

 private:
  const char* store_line(std::string_view line);
  bool contains(int64_t ts, std::string_view line) const;
  void merge_out_of_order();

  struct Page {
    char* data;  // malloc'd, or from LinePagePool when size is its page size
    size_t size;
  };
  std::vector<Page> pages_;
  size_t page_used_ = 0;
  size_t page_capacity_ = 0;
  // Boxed so entries' pointers stay valid; a vector, not a deque, because an empty deque
  // allocates about 600 bytes, which 100k idle streams pay in full.
  std::vector<std::unique_ptr<model::LabelSet>> metadata_;
  std::vector<HeadEntry> sorted_;         // non-decreasing timestamps; back() holds the maximum
  std::multimap<int64_t, HeadEntry> out_of_order_;  // entries older than the maximum at arrival
  uint64_t line_bytes_ = 0;
  uint64_t memory_bytes_ = 0;
  int64_t min_time_ = 0;
  bool sealed_ = false;
};

}  // namespace ingest
