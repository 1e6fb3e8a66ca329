// ChunkWriter: builds one chunk file (one stream of one tenant) in memory.
//
// Entries are appended in non-decreasing timestamp order (the head block sorts out-of-order
// pushes before flushing); blocks are cut and zstd-compressed as soon as their payload reaches the
// target size, so memory stays at about one uncompressed block plus the compressed output.
// Not thread-safe: one writer per flushing thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "chunk/block_codec.h"
#include "chunk/chunk_format.h"
#include "chunk/trigram_filter.h"
#include "model/entry.h"
#include "util/result.h"

namespace chunk {

struct ChunkWriterOptions {
  size_t target_block_size = 256 * 1024;  // uncompressed payload bytes per block
  int zstd_level = 3;
  // A trigram filter per block (format version 2), so literal line filters skip blocks; false
  // writes version 1 chunks, which every reader of this format reads.
  bool block_filters = true;
};

class ChunkWriter {
 public:
  // Fails if the tenant or labels exceed the header limits or the options are out of range.
  static util::Result<std::unique_ptr<ChunkWriter>> create(std::string tenant, model::LabelSet labels,
                                                           ChunkWriterOptions options = {});
  ~ChunkWriter();
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  // Fails (and changes nothing) if `ts` is before the previous entry or the entry alone would
  // exceed the block size limit.
  util::Status append(int64_t ts, std::string_view line, const model::LabelSet& metadata = {});
  util::Status append(const model::Entry& e) { return append(e.timestamp, e.line, e.metadata); }
  // Appends a block already compressed by another writer with the same format version (its
  // index entry `meta`, compressed bytes and filter, as a ChunkReader of that chunk gives them,
  // and the line bytes it holds), without recompressing it. Cuts the block being filled first. Fails (and changes nothing) if
  // the block starts before the previous entry or its sizes disagree with `meta`.
  util::Status append_block(const BlockMeta& meta, std::string_view compressed, std::string_view filter,
                            uint64_t line_bytes);

  uint64_t entries() const { return entries_; }
  bool empty() const { return entries_ == 0; }
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return max_time_; }
  // Raw line bytes appended so far (what Loki's stats call "bytes").
  uint64_t line_bytes() const { return line_bytes_; }
  // Compressed size so far plus the uncompressed size of the block being filled: a cheap upper
  // estimate of the final size, for "cut the chunk at chunk_target_size" decisions.
  size_t estimated_size() const { return out_.size() + encoder_.payload_size(); }

  // Room for a chunk of about `bytes`, so appending copied blocks does not regrow the buffer.
  void reserve(size_t bytes) { out_.reserve(bytes); }

  // Cuts the last block, appends the footer and trailer and returns the chunk bytes. The writer
  // is spent afterwards (further calls fail).
  util::Result<std::string> finish();

 private:
  ChunkWriter(std::string tenant, model::LabelSet labels, ChunkWriterOptions options);
  util::Status cut_block();

  std::string tenant_;
  model::LabelSet labels_;
  ChunkWriterOptions options_;
  struct ZstdContext;
  std::unique_ptr<ZstdContext> zstd_;
  BlockEncoder encoder_;
  std::string payload_;  // reused across blocks
  std::string out_;      // the chunk being built: preamble, header, blocks so far
  std::vector<BlockMeta> blocks_;
  TrigramFilterBuilder filter_builder_;
  std::vector<std::string> filters_;  // one per block when options_.block_filters
  uint64_t entries_ = 0;
  uint64_t line_bytes_ = 0;
  uint64_t uncompressed_bytes_ = 0;
  int64_t min_time_ = 0;
  int64_t max_time_ = 0;
  bool finished_ = false;
};

}  // namespace chunk
