// ChunkReader: validates and reads a chunk file from a byte buffer or an mmap'ed file.
//
// open() checks the preamble, header CRC, trailer, footer CRC and the consistency of the block
// index (contiguous blocks inside the file, time ranges ordered and inside the chunk's range,
// counts adding up); block contents are checked when they are decompressed (CRC32C, zstd,
// decompressed size, entry count, timestamps). Every failure is an error naming the field and the
// block; nothing crashes on hostile input and allocations are bounded by the format limits.
//
// A ChunkReader is immutable after open and may be shared by threads; each EntryIterator belongs
// to one thread and must not outlive (or see a move of) the reader that made it. A reader opened
// over a buffer borrows it: the buffer must outlive the reader. A reader opened from a file owns
// the mapping, and one opened with an owner the owner (shared, so copies of the reader stay valid).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chunk/block_codec.h"
#include "chunk/chunk_format.h"
#include "model/entry.h"
#include "util/result.h"

namespace fsutil {
class MappedFile;
}

namespace chunk {

enum class Direction { kForward, kBackward };

// Iterates the entries of a chunk with timestamps in [start, end), decompressing only the blocks
// that overlap the range. Usage: `while (it.next()) use(it.timestamp(), it.line()); check
// it.status()`. Views returned are valid until the next call to next().
class EntryIterator {
 public:
  bool next();
  int64_t timestamp() const { return cur_->timestamp; }
  std::string_view line() const { return block_.line(*cur_); }
  size_t metadata_size() const { return cur_->metadata_count; }
  const std::pair<std::string_view, std::string_view>& metadata(size_t i) const {
    return block_.metadata()[cur_->metadata_begin + i];
  }
  // Copies the current entry into a model::Entry (allocates; for tests and slow paths).
  model::Entry entry() const;
  // Not ok after next() returned false because of corruption.
  const util::Status& status() const { return status_; }

  EntryIterator(EntryIterator&&) noexcept;
  EntryIterator& operator=(EntryIterator&&) noexcept;
  ~EntryIterator();

 private:
  friend class ChunkReader;
  EntryIterator(const class ChunkReader* reader, int64_t start, int64_t end, Direction dir);
  bool load_next_block();

  const ChunkReader* reader_;
  std::shared_ptr<const void> keep_alive_;
  int64_t start_, end_;
  Direction dir_;
  size_t next_block_ = 0;  // forward: next index to load; backward: one past it
  BlockBuffer payload_;
  DecodedBlock block_;
  const EntryView* cur_ = nullptr;
  size_t pos_ = 0;  // within block_.entries(); for backward, one past the next entry
  bool in_block_ = false;
  util::Status status_;
  struct Dctx;
  std::unique_ptr<Dctx> dctx_;
};

class ChunkReader {
 public:
  // Borrows `bytes`.
  static util::Result<ChunkReader> open(std::string_view bytes);
  // Maps the file; the mapping lives as long as the reader or any of its iterators.
  static util::Result<ChunkReader> open_file(const std::string& path);
  // Reads `bytes`, which `owner` keeps alive (a mapping, a downloaded buffer) as long as the
  // reader or any of its iterators.
  static util::Result<ChunkReader> open_owned(std::string_view bytes, std::shared_ptr<const void> owner);

  const ChunkHeader& header() const { return header_; }
  const std::vector<BlockMeta>& blocks() const { return blocks_; }
  std::string_view bytes() const { return bytes_; }

  // Entries with start <= timestamp < end, in time order (forward) or reverse time order.
  // Entries with equal timestamps come in file order forward and reverse file order backward.
  EntryIterator entries(int64_t start, int64_t end, Direction dir = Direction::kForward) const;

  // Decompresses block `i` into `payload` and parses it into `out` (which then points into
  // `payload`; out.payload() is the block's payload). Checks CRC32C, decompressed size and contents.
  util::Status read_block(size_t i, BlockBuffer& payload, DecodedBlock& out) const;

  // Checks every block: CRC32C, decompression and contents. The error names the first bad block.
  util::Status verify() const;

  // All entries (allocates; for tests and tools).
  util::Result<std::vector<model::Entry>> read_all() const;

 private:
  friend class EntryIterator;
  util::Status read_block_with(size_t i, BlockBuffer& payload, DecodedBlock& out, void* dctx) const;

  std::string_view bytes_;
  std::shared_ptr<const void> owner_;
  ChunkHeader header_;
  std::vector<BlockMeta> blocks_;
};

}  // namespace chunk
