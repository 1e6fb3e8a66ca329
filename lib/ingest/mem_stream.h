// MemStream: everything the ingester holds for one stream of one tenant: the head block being
// appended to, heads sealed for cutting (while they are encoded), and cut chunks waiting for the
// store's acknowledgement. Data moves head -> sealed -> chunk -> (flushed) gone, and is
// visible to queries and checkpoints at every step.
//
// Thread-safe: one mutex per stream guards the mutable state; labels are immutable. Sealed heads
// and chunks are immutable and shared (shared_ptr), so a snapshot holds them without the lock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "chunk/chunk_reader.h"
#include "ingest/head_block.h"
#include "model/entry.h"
#include "model/labels.h"
#include "store/store.h"
#include "util/result.h"

namespace ingest {

// An encoded chunk kept in memory until the store acknowledges it. Immutable once built.
struct CutChunk {
  store::FlushedChunk chunk;
  std::optional<chunk::ChunkReader> reader;  // over chunk.data
};

// What a query or checkpoint sees of a stream at one instant.
struct StreamSnapshot {
  std::shared_ptr<const class MemStream> stream;  // keeps labels alive
  std::shared_ptr<const HeadBlock> head_owner;    // keeps the copied entries' bytes alive
  std::vector<HeadEntry> head;                    // head entries in range, in time order
  std::vector<std::shared_ptr<const HeadBlock>> sealed;
  std::vector<std::shared_ptr<const CutChunk>> chunks;
};

struct CutOptions {
  uint64_t target_size = 1572864;  // estimated compressed bytes
  int64_t max_age = 0;             // ns
  int64_t idle_period = 0;         // ns
  uint64_t block_size = 262144;
  int zstd_level = 1;  // see IngesterOptions::zstd_level
};

class MemStream : public std::enable_shared_from_this<MemStream> {
 public:
  MemStream(model::LabelSet labels, uint64_t fingerprint) : labels_(std::move(labels)), fingerprint_(fingerprint) {}

  const model::LabelSet& labels() const { return labels_; }
  uint64_t fingerprint() const { return fingerprint_; }

  struct AppendResult {
    bool removed = false;  // the stream was dropped from its tenant: look it up again
    size_t appended = 0;   // entries kept (not duplicates)
    bool wants_cut = false;  // the head reached the target size
    uint64_t memory_added = 0;  // growth of the head's memory_bytes()
  };
  // Appends entries, dropping exact duplicates. When `accepted` is given, the indices of the
  // kept entries are appended to it.
  AppendResult append(const std::vector<model::Entry>& entries, int64_t now, const CutOptions& options,
                      std::vector<uint32_t>* accepted);

  // Moves the head to the sealed list if it is non-empty and `force` or a cut condition holds.
  // Returns the sealed head, to be passed to encode() and then finish_cut().
  std::shared_ptr<const HeadBlock> seal_head(int64_t now, const CutOptions& options, bool force);
  // Encodes a sealed head as a chunk (CPU-heavy: call without holding any lock).
  static util::Result<std::shared_ptr<const CutChunk>> encode(const std::string& tenant, const model::LabelSet& labels,
                                                              const HeadBlock& sealed, const CutOptions& options);
  // Replaces the sealed head by its chunk.
  void finish_cut(const std::shared_ptr<const HeadBlock>& sealed, std::shared_ptr<const CutChunk> chunk);

  // Chunks waiting for the store, oldest first.
  std::vector<std::shared_ptr<const CutChunk>> pending_chunks() const;
  // Drops chunks the store acknowledged.
  void chunks_flushed(const std::vector<std::shared_ptr<const CutChunk>>& flushed);

  // Entries in [start, end) of the head, plus every sealed head and chunk (their ranges are
  // checked by the reader).
  StreamSnapshot snapshot(int64_t start, int64_t end) const;
  // Whether any in-memory data may overlap [start, end).
  bool overlaps(int64_t start, int64_t end) const;
  // Per-part totals overlapping [start, end): parts (head, sealed heads, chunks), entries, bytes.
  void add_stats(int64_t start, int64_t end, store::IndexStats& stats) const;
  // The same parts' metadata, one span each.
  void add_spans(int64_t start, int64_t end, std::vector<store::ChunkSpan>& spans) const;

  // Memory the stream's data holds: heads (HeadBlock::memory_bytes()) plus cut chunks' bytes.
  uint64_t memory_bytes() const;

  // When the stream's oldest in-memory data arrived, for flushing the oldest first under memory
  // pressure: INT64_MIN when cut chunks (or sealed heads) wait, else the head's creation time
  // (wall clock, ns); nullopt when the stream holds nothing.
  std::optional<int64_t> oldest_data() const;

  // Marks the stream removed if it holds nothing; returns whether it did.
  bool remove_if_empty();

 private:
  const model::LabelSet labels_;
  const uint64_t fingerprint_;

  mutable std::mutex mu_;
  std::shared_ptr<HeadBlock> head_;
  std::vector<std::shared_ptr<const HeadBlock>> sealed_;
  std::vector<std::shared_ptr<const CutChunk>> chunks_;
  int64_t head_created_ = 0;  // wall clock (ns) of the head's first append
  int64_t last_append_ = 0;   // wall clock (ns)
  int64_t min_time_ = 0, max_time_ = 0;  // over everything in memory (a superset after flushes)
  bool has_data_ = false;
  // Compressed / raw bytes of this stream's last chunk: the head's size estimate. Starts
  // pessimistic so the first chunk is cut early rather than too large.
  double compression_ratio_ = 0.25;
  bool removed_ = false;
};

}  // namespace ingest
