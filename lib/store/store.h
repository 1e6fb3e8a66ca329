// The chunk store: where flushed chunks and their index live, on a local data directory.
//
// Layout (see docs/data-layout.md, written with the implementation): one directory per tenant,
// chunk files per period (UTC day), and immutable index files per tenant and period, one per
// flush batch, so `logcli --store`, `logchunk` and `logidx` can read them while logd runs.
//
// Thread-safety: every method may be called concurrently from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "logql/ast.h"
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

// Counters for /metrics (monotonic since open).
struct StoreCounters {
  uint64_t chunks_written = 0;
  uint64_t chunk_bytes_written = 0;
  uint64_t index_files_written = 0;
  uint64_t chunks_opened = 0;           // chunk files opened by queries
  uint64_t corrupt_chunks_skipped = 0;  // missing or corrupt chunks (or blocks) skipped by queries
  uint64_t corrupt_index_files = 0;     // index files that failed to open and were ignored
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

  // Counters since open; stores without counters report zeros.
  virtual StoreCounters counters() const { return {}; }
};

// The local-directory store (the default). `dir` is created if missing.
struct LocalStoreOptions {
  std::string dir;  // e.g. <path_prefix>/store
  // Where warnings go (a corrupt chunk skipped by a query, an index file that does not open).
  // Called from query threads, possibly concurrently; empty: one line on stderr.
  std::function<void(const std::string&)> warn;
};
util::Result<std::unique_ptr<ChunkStore>> open_local_store(const LocalStoreOptions& options);

}  // namespace store
