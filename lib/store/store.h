// The chunk store: where flushed chunks and their index live, in an object store (lib/objstore):
// a local data directory (the default) or an S3 bucket.
//
// Layout (see docs/data-layout.md, written with the implementation): one directory (key prefix)
// per tenant, chunk objects per period (UTC day), and immutable index files per tenant and
// period, one per flush batch and named with the writer's id, so `logcli --store`, `logchunk`,
// `logidx` and other logd processes can read them while logd runs.
//
// Thread-safety: every method may be called concurrently from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "logql/ast.h"
#include "objstore/bucket.h"
#include "util/clock.h"
#include "logql/eval/source.h"
#include "model/labels.h"
#include "util/result.h"

namespace store {

// One finished chunk of one stream, ready to be persisted.
struct FlushedChunk {
  model::LabelSet labels;
  std::string data;  // the encoded chunk (chunk::ChunkWriter::finish())
  int64_t min_time = 0;  // inclusive, ns
  int64_t max_time = 0;  // inclusive, ns
  uint64_t entries = 0;
  uint64_t line_bytes = 0;  // raw line bytes in the chunk
};

// Index statistics for a selector and range, Loki's /loki/api/v1/index/stats shape.
struct IndexStats {
  uint64_t streams = 0;
  uint64_t chunks = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

// What one chunk (or in-memory part: a head block, a cut chunk) covers, from its metadata alone:
// what /loki/api/v1/index/volume is computed from, without reading any line.
struct ChunkSpan {
  int64_t min_time = 0;  // inclusive, ns
  int64_t max_time = 0;  // inclusive, ns
  uint64_t entries = 0;
  uint64_t bytes = 0;  // raw line bytes (uncompressed)
  bool operator==(const ChunkSpan&) const = default;
};

// One stream's chunks overlapping a range.
struct StreamSpans {
  model::LabelSet labels;
  std::vector<ChunkSpan> spans;
};

// Counters for /metrics (monotonic since open).
struct StoreCounters {
  uint64_t chunks_written = 0;
  uint64_t chunk_bytes_written = 0;
  uint64_t chunk_objects_written = 0;  // chunk and segment objects (a segment packs many chunks)
  uint64_t segments_written = 0;
  uint64_t index_files_written = 0;
  uint64_t chunks_opened = 0;           // chunk files opened by queries
  uint64_t corrupt_chunks_skipped = 0;  // missing or corrupt chunks (or blocks) skipped by queries
  uint64_t corrupt_index_files = 0;     // index files that failed to open and were ignored
  // The local cache of a remote store (zeros for a local one), per kind: [0] chunks, [1] index.
  uint64_t cache_hits[2] = {}, cache_misses[2] = {}, cache_evictions[2] = {};
  uint64_t cache_bytes = 0, cache_files = 0, cache_max_bytes = 0;
  uint64_t index_uploads_pending = 0;  // index files written locally, not yet in the bucket
};

class ChunkStore {
 public:
  virtual ~ChunkStore() = default;

  // Persists a batch of one tenant's chunks durably (chunk files and then the index entries that
  // point at them, each written atomically), so a crash leaves either nothing or a usable batch.
  // Chunks of one batch may span periods.
  virtual util::Status write_chunks(const std::string& tenant, std::vector<FlushedChunk> chunks) = 0;

  // Reading one tenant's stored data. `matchers` use Prometheus semantics; ranges are [start, end).
  virtual util::Result<std::unique_ptr<logql::LogSource>> source(const std::string& tenant) = 0;
  virtual util::Result<std::vector<std::string>> label_names(const std::string& tenant, int64_t start,
                                                             int64_t end) = 0;
  virtual util::Result<std::vector<std::string>> label_values(const std::string& tenant, const std::string& name,
                                                              const std::vector<logql::ast::Matcher>& matchers,
                                                              int64_t start, int64_t end) = 0;
  virtual util::Result<std::vector<model::LabelSet>> series(const std::string& tenant,
                                                            const std::vector<logql::ast::Matcher>& matchers,
                                                            int64_t start, int64_t end) = 0;
  virtual util::Result<IndexStats> stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                         int64_t start, int64_t end) = 0;
  // The selected streams with the metadata of their chunks overlapping [start, end), read from
  // the index only (no chunk is fetched). A chunk listed under two days counts once; a stream
  // may come once per index period (its spans add up).
  virtual util::Result<std::vector<StreamSpans>> stream_spans(const std::string& tenant,
                                                              const std::vector<logql::ast::Matcher>& matchers,
                                                              int64_t start, int64_t end) = 0;

  // Counters since open; stores without counters report zeros.
  virtual StoreCounters counters() const { return {}; }
  // The object store's own request counters (S3 requests by operation and outcome, retries).
  virtual objstore::BucketMetrics bucket_metrics() const { return {}; }
  // Where the data lives, for messages: "/var/lib/logd/data/store", "s3://bucket/prefix".
  virtual std::string location() const { return ""; }
  // Background upkeep, run periodically by logd: lists remote index periods again when due,
  // uploads index files a failed flush left behind, drops cache files past their TTL.
  virtual util::Status maintain() { return {}; }
};

// A store over any bucket. A bucket of plain local files (objstore::FilesystemBucket) is read in
// place; any other is a remote store, read through a local cache.
inline constexpr uint64_t kDefaultSegmentChunkMaxBytes = 64 << 10;
inline constexpr uint64_t kDefaultSegmentMaxBytes = 64 << 20;

struct StoreOptions {
  std::shared_ptr<objstore::Bucket> bucket;  // required
  // Names every index file this process writes (store/writer_id.h): unique per process sharing
  // the bucket.
  std::string writer_id = "logd";
  // Remote stores only:
  std::string active_index_dir;  // index files are written here, then uploaded (Loki's active_index_directory)
  std::string cache_dir;         // downloaded chunks and index files (Loki's cache_location); "": no cache
  uint64_t cache_max_bytes = 1ULL << 30;
  int64_t cache_ttl_ns = 0;                                // cache files unused this long are dropped; 0: never
  int64_t resync_interval_ns = 5LL * 60 * 1'000'000'000;  // index periods are listed again this often
  util::Clock* clock = nullptr;                            // null: the system clock
  // Where warnings go (a corrupt chunk skipped by a query, an index file that does not open).
  // Called from query threads, possibly concurrently; empty: one line on stderr.
  std::function<void(const std::string&)> warn;
  // Threads that decompress and filter chunk blocks ahead of the queries reading them (shared by
  // every query of the store); 0: each query reads its blocks on its own thread.
  int read_threads = 2;
  uint64_t read_ahead_bytes = 4ULL << 20;  // decompressed bytes read ahead at most, all queries together
  // Use the trigram filters of chunk blocks to skip blocks a `|=` literal cannot be in. Off only
  // to compare (results are the same either way).
  bool use_block_filters = true;
  // Chunks smaller than this are packed, per day of their first entry, into segment objects of
  // at most segment_max_bytes instead of one object each (docs/data-layout.md); 0: every chunk
  // is an object of its own (as with replication, whose deduplication needs per-chunk names).
  uint64_t segment_chunk_max_bytes = kDefaultSegmentChunkMaxBytes;
  uint64_t segment_max_bytes = kDefaultSegmentMaxBytes;
};
inline constexpr int kMaxReadThreads = 64;
// Does not check() the bucket: callers do, at start, to refuse a bad one clearly. For a remote
// store, index files left in the active directory by an earlier run are uploaded here (or by
// maintain(), when the store does not answer yet).
util::Result<std::unique_ptr<ChunkStore>> open_store(StoreOptions options);

// The local-directory store (the default). `dir` is created if missing.
struct LocalStoreOptions {
  std::string dir;  // e.g. <path_prefix>/store
  std::string writer_id = "logd";
  std::function<void(const std::string&)> warn;
  uint64_t segment_chunk_max_bytes = kDefaultSegmentChunkMaxBytes;  // as StoreOptions
};
util::Result<std::unique_ptr<ChunkStore>> open_local_store(const LocalStoreOptions& options);

}  // namespace store
