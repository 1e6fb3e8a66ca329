// MemStream: everything the ingester holds for one stream of one tenant: the head block being
// appended to, the compressed blocks it already froze, heads sealed for cutting (while they are
// encoded), and cut chunks waiting for the store's acknowledgement. Data moves head -> frozen
// -> sealed -> chunk -> (flushed) gone, and is visible to queries and checkpoints at every step.
//
// Freezing: when the head holds a block's worth (CutOptions::block_size) of entries newer than
// everything frozen, it is compressed right away into a one-chunk "part" and the head's memory
// is reused. A cut then copies the parts' compressed blocks into the chunk instead of compressing
// the whole head at once: the head's raw lines never pile up (each byte is written to memory that
// is already faulted in and still in cache), and a flush has little left to compress. An entry
// older than the frozen data stays in the head and the cut re-encodes the parts (rare: pushes
// arrive mostly in order).
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

// Compressed parts and the head sealed together for one cut, in time order (parts first, unless
// the head holds entries older than the parts' end).
struct SealedHead {
  std::vector<std::shared_ptr<const CutChunk>> parts;
  std::shared_ptr<const HeadBlock> head;  // nullptr when the head was empty
  uint64_t memory_bytes() const;
};

struct CutOptions {
  uint64_t target_size = 1572864;  // estimated compressed bytes
  int64_t max_age = 0;             // ns
  int64_t idle_period = 0;         // ns
  uint64_t block_size = 262144;  // also the head size that is frozen
  int zstd_level = 1;  // see IngesterOptions::zstd_level
};

struct FrozenLookup;  // mem_stream.cpp: a decoded frozen block, reused across one append's checks

class MemStream : public std::enable_shared_from_this<MemStream> {
 public:
  MemStream(model::LabelSet labels, uint64_t fingerprint) : labels_(std::move(labels)), fingerprint_(fingerprint) {}

  const model::LabelSet& labels() const { return labels_; }
  uint64_t fingerprint() const { return fingerprint_; }

  struct AppendResult {
    bool removed = false;  // the stream was dropped from its tenant: look it up again
    size_t appended = 0;   // entries kept (not duplicates)
    bool wants_cut = false;  // the head and frozen parts reached the target size
    int64_t memory_added = 0;  // change of memory_bytes() (negative when freezing compressed more than was added)
  };
  // Appends entries, dropping exact duplicates, and freezes the head when it holds a block
  // (`tenant` names the frozen parts' chunks). When `accepted` is given, the indices of the kept
  // entries are appended to it.
  AppendResult append(const std::string& tenant, const std::vector<model::Entry>& entries, int64_t now,
                      const CutOptions& options, std::vector<uint32_t>* accepted);

  // Moves the head and frozen parts to the sealed list if there are any and `force` or a cut
  // condition holds. Returns what was sealed, to be passed to encode() and then finish_cut().
  std::shared_ptr<const SealedHead> seal_head(int64_t now, const CutOptions& options, bool force);
  // Encodes a sealed head and its parts as one chunk (CPU-heavy: call without holding any lock).
  static util::Result<std::shared_ptr<const CutChunk>> encode(const std::string& tenant, const model::LabelSet& labels,
                                                              const SealedHead& sealed, const CutOptions& options);
  // Replaces the sealed head by its chunk.
  void finish_cut(const std::shared_ptr<const SealedHead>& sealed, std::shared_ptr<const CutChunk> chunk);

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

  // Marks the stream removed if it holds nothing; returns whether it did (false if it was removed
  // already, so that a caller counting removals counts each stream once).
  bool remove_if_empty();

 private:
  // Whether a frozen part holds an entry with this timestamp and line. REQUIRES: mu_ held.
  bool frozen_contains(int64_t ts, std::string_view line, FrozenLookup& lookup) const;
  // Moves the frozen parts and the head to sealed_ and starts an empty head. REQUIRES: mu_ held.
  std::shared_ptr<const SealedHead> seal_locked();
  // Compresses the head into a frozen part and empties it. REQUIRES: mu_ held.
  util::Status freeze_head(const std::string& tenant, const CutOptions& options);
  bool holds_data_locked() const { return (head_ && !head_->empty()) || !frozen_.empty(); }

  const model::LabelSet labels_;
  const uint64_t fingerprint_;

  mutable std::mutex mu_;
  std::shared_ptr<HeadBlock> head_;
  // Compressed parts of the data before head_, in time order; their end is frozen_max_.
  std::vector<std::shared_ptr<const CutChunk>> frozen_;
  int64_t frozen_max_ = 0;
  uint64_t frozen_line_bytes_ = 0, frozen_entries_ = 0, frozen_memory_ = 0;
  std::vector<std::shared_ptr<const SealedHead>> sealed_;
  std::vector<std::shared_ptr<const CutChunk>> chunks_;
  int64_t head_created_ = 0;  // wall clock (ns) of the first append since the last cut
  int64_t last_append_ = 0;   // wall clock (ns)
  int64_t min_time_ = 0, max_time_ = 0;  // over everything in memory (a superset after flushes)
  bool has_data_ = false;
  // Compressed / raw bytes of this stream's last chunk: the head's size estimate. Starts
  // pessimistic so the first chunk is cut early rather than too large.
  double compression_ratio_ = 0.25;
  bool removed_ = false;
};

}  // namespace ingest
