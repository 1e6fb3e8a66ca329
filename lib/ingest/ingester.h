// The ingester: per-tenant in-memory streams (head blocks), the write-ahead log that makes an
// acknowledged push survive a crash, and chunk cutting/flushing into the ChunkStore.
//
// Write path: push() appends the request to the WAL (one write() before returning: enough to
// survive kill -9, the OS keeps the bytes) and then to memory. Chunks are cut by size, age and
// idleness and flushed in batches to the store; the WAL is checkpointed and truncated once its
// data is flushed or checkpointed. open() replays checkpoint + WAL segments.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "logql/ast.h"
#include "logql/eval/source.h"
#include "model/entry.h"
#include "ingest/push_target.h"
#include "ingest/tail_source.h"
#include "model/labels.h"
#include "pattern/pattern_store.h"
#include "push/push_request.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/result.h"

namespace ingest {

struct IngesterOptions {
  std::string wal_dir;                             // e.g. <path_prefix>/wal
  bool wal_enabled = true;
  int64_t checkpoint_duration = 5LL * 60 * 1'000'000'000;  // ns between WAL checkpoints
  uint64_t chunk_target_size = 1572864;            // bytes (compressed estimate), Loki's default
  uint64_t chunk_block_size = 262144;              // uncompressed bytes per block
  int64_t max_chunk_age = 2LL * 3600 * 1'000'000'000;      // ns
  int64_t chunk_idle_period = 30LL * 60 * 1'000'000'000;   // ns
  int64_t flush_check_period = 30LL * 1'000'000'000;       // ns
  // Level 1: compression is the largest cost of ingest; on the benchmark corpus level 1 is 1.5x
  // faster than 3 and no larger in 256 KiB blocks. `logchunk recompress` raises it offline.
  int zstd_level = 1;
  uint64_t max_streams_per_tenant = 0;             // 0: unlimited (the distributor enforces Loki's limit)
  uint64_t wal_segment_size = 64ULL << 20;         // bytes; segments rotate past this size
  // The hard ceiling on log data held in memory (head blocks plus cut chunks awaiting flush, as
  // HeadBlock::memory_bytes() counts them), in bytes; 0: none. A push that would pass it first
  // flushes the oldest streams early; if that cannot make room (the store fails, or the push
  // alone is larger than the ceiling) the push is refused with kRateLimited (HTTP 429) before
  // its WAL write. WAL replay at start is not held to it.
  uint64_t memory_ceiling = 0;
  // The source of time (cut ages, idleness, backoff, the background loop's period); tests
  // inject a util::FakeClock. Null: the system clock. Must outlive the ingester.
  util::Clock* clock = nullptr;
  // Run flush checks and checkpoints on a background thread every flush_check_period (on
  // `clock`). Tests may turn it off and call flush_due()/checkpoint() themselves.
  bool background_flush = true;
  // Called from the background thread with each failed flush pass (the chunks stay in memory
  // and the WAL, and are tried again after a backoff). Null: failures are only counted.
  std::function<void(const util::Status&)> on_flush_error;
  // Log patterns (Loki's pattern ingester, run here): with `enabled`, every accepted push also
  // trains the ingester's PatternStore, pruned from the background loop.
  pattern::PatternConfig patterns;
};

// Counters for /metrics.
struct IngesterStats {
  uint64_t streams = 0;
  uint64_t chunks_flushed = 0;
  uint64_t flush_failures = 0;
  uint64_t wal_bytes_written = 0;
  uint64_t wal_records_replayed = 0;
  uint64_t checkpoints = 0;
  uint64_t memory_bytes = 0;          // log data held in memory (what memory_ceiling bounds)
  uint64_t memory_early_flushes = 0;  // chunks flushed early to stay under memory_ceiling
  uint64_t memory_refusals = 0;       // pushes refused at memory_ceiling
};

// The local ingester is where a single process's distributor pushes (PushTarget) and its tails
// listen (TailSource).
class Ingester : public PushTarget, public TailSource {
 public:
  // Opens the WAL (replaying it) and starts the background flush loop.
  static util::Result<std::unique_ptr<Ingester>> open(const IngesterOptions& options, store::ChunkStore& store);
  virtual ~Ingester() = default;

  // Appends validated streams for one tenant. Returns only once the WAL write is done. Exact
  // duplicates (same stream, timestamp and line) are dropped, as Loki does; out-of-order
  // entries are accepted.
  util::Status push(const std::string& tenant, const std::vector<push::Stream>& streams) override = 0;

  // A consistent view of the tenant's in-memory data (head and cut-but-unflushed chunks).
  // Each select() snapshots the matching streams at that moment (later pushes are not seen by
  // its iterator; the iterator keeps its data alive). A query must select from the ingester
  // BEFORE the store: a chunk flushed in between is then seen twice (the querier deduplicates)
  // rather than not at all. The source must not outlive the ingester.
  // Exact duplicates are dropped within a stream's head; a duplicate of an entry already cut
  // into a chunk (e.g. a retried push after a cut) is kept and left to query-time dedup, as in Loki.
  virtual std::unique_ptr<logql::LogSource> source(const std::string& tenant) = 0;
  virtual std::vector<std::string> label_names(const std::string& tenant, int64_t start, int64_t end) = 0;
  virtual std::vector<std::string> label_values(const std::string& tenant, const std::string& name,
                                                const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                int64_t end) = 0;
  std::vector<model::LabelSet> series(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                      int64_t start, int64_t end) override = 0;
  virtual store::IndexStats stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                  int64_t start, int64_t end) = 0;
  // The same per stream (each with `streams` 1), for a querier that merges replicas' answers.
  virtual std::vector<std::pair<model::LabelSet, store::IndexStats>> stream_stats(
      const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t start, int64_t end) = 0;
  // The metadata of each selected stream's in-memory parts overlapping [start, end) (head block,
  // sealed heads, cut chunks), for volume answers: no line is read.
  virtual std::vector<store::StreamSpans> stream_spans(const std::string& tenant,
                                                       const std::vector<logql::ast::Matcher>& matchers,
                                                       int64_t start, int64_t end) = 0;

  // Live tail (TailSource): callbacks run on the pushing threads.

  // Cuts and flushes every stream to the store and checkpoints (on shutdown).
  virtual util::Status flush_all() = 0;
  // One pass of the background loop: cuts streams due by size, age or idleness and flushes
  // cut chunks to the store (tenants in failure backoff are skipped).
  virtual util::Status flush_due() = 0;
  // Writes a WAL checkpoint of all unflushed data and deletes the segments it covers.
  virtual util::Status checkpoint() = 0;
  virtual IngesterStats stats_snapshot() const = 0;
  virtual std::vector<std::string> tenants() const = 0;
  // The patterns mined from what this ingester accepted; null when pattern_ingester is off.
  virtual pattern::PatternStore* patterns() const { return nullptr; }
};

}  // namespace ingest
