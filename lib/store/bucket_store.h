// BucketStore: the ChunkStore over an objstore::Bucket (layout in docs/data-layout.md): a local
// directory (the default, read in place) or an S3 bucket (read through a local cache).
//
// Writing: each chunk becomes one object <tenant>/chunks/<day of its first entry>/<name>, or,
// when small, part of a segment object there with many others (segment_packing.h); all of a
// batch's objects put together (Bucket::put_many: one syncfs locally, parallel requests to S3);
// only once every one of them is stored does each day the batch touches get one new immutable
// index file <tenant>/index/<day>/<sequence>-<writer id>.idx listing the batch's chunks that
// overlap that day. For a remote store the index file is first written to the active index
// directory, then uploaded, then moved into the cache. A crash or failure anywhere leaves at
// worst chunks no index refers to (harmless), never an index entry without its chunk.
//
// Reading: the index files of the days overlapping a query come from an IndexCatalog (local:
// mapped in place; remote: listed and downloaded, see remote_index_catalog.h), chunks from a
// ChunkFetcher. A missing or corrupt chunk is skipped with a warning and counted, so one bad
// object never fails a whole query; a store that does not answer fails the query with an error
// naming the store.
//
// Thread-safety: every method may be called concurrently. Sources and iterators keep the shared
// state alive themselves, so they may outlive the BucketStore that made them.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "index/index_format.h"
#include "index/matcher.h"
#include "store/block_read_pool.h"
#include "store/chunk_fetcher.h"
#include "store/index_catalog.h"
#include "store/object_cache.h"
#include "store/store.h"

namespace store {

// The state a BucketStore shares with the sources and iterators it hands out.
struct StoreState {
  std::shared_ptr<objstore::Bucket> bucket;
  bool remote = false;
  std::function<void(const std::string&)> warn;
  std::atomic<uint64_t> chunks_written{0}, chunk_bytes_written{0}, chunk_objects_written{0}, segments_written{0},
      index_files_written{0}, chunks_opened{0},
      corrupt_chunks_skipped{0}, corrupt_index_files{0};
  std::unique_ptr<ObjectCache> cache;  // remote stores with a cache directory
  std::unique_ptr<IndexCatalog> catalog;
  std::unique_ptr<ChunkFetcher> chunks;
  std::unique_ptr<BlockReadPool> read_pool;  // null: queries read blocks on their own thread
  bool use_block_filters = true;

  // Series matching `matchers` with their (deduplicated) chunk refs overlapping [start, end),
  // merged over every period of the range.
  util::Result<std::map<model::LabelSet, std::vector<idx::ChunkRef>>> series_chunks(
      const std::string& tenant, const std::vector<idx::Matcher>& matchers, int64_t start, int64_t end);
};

class BucketStore : public ChunkStore {
 public:
  // `state` is complete (bucket, catalog, fetcher); see open_store().
  BucketStore(std::shared_ptr<StoreState> state, StoreOptions options);

  util::Status write_chunks(const std::string& tenant, std::vector<FlushedChunk> chunks) override;
  util::Result<std::unique_ptr<logql::LogSource>> source(const std::string& tenant) override;
  util::Result<std::vector<std::string>> label_names(const std::string& tenant, int64_t start, int64_t end) override;
  util::Result<std::vector<std::string>> label_values(const std::string& tenant, const std::string& name,
                                                      const std::vector<logql::ast::Matcher>& matchers,
                                                      int64_t start, int64_t end) override;
  util::Result<std::vector<model::LabelSet>> series(const std::string& tenant,
                                                    const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                    int64_t end) override;
  util::Result<IndexStats> stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                 int64_t start, int64_t end) override;
  util::Result<std::vector<StreamSpans>> stream_spans(const std::string& tenant,
                                                      const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                      int64_t end) override;
  StoreCounters counters() const override;
  objstore::BucketMetrics bucket_metrics() const override { return state_->bucket->metrics(); }
  std::string location() const override { return state_->bucket->name(); }
  util::Status maintain() override;

  // Uploads the index files a failed or interrupted flush left in the active index directory.
  util::Status upload_pending_index_files();

 private:
  // A name for a new index file of `tenant`/`period` no file has had.
  util::Result<std::string> next_index_file_name(const std::string& tenant, int64_t period);
  util::Status ensure_tenant_marker(const std::string& tenant);
  util::Status store_index_file(const std::string& tenant, int64_t period, const std::string& data);
  // Label names (name empty) or values of `name` over the range, per period with a fast path for
  // periods the range covers entirely.
  util::Result<std::vector<std::string>> label_query(const std::string& tenant, const std::string* name,
                                                     const std::vector<idx::Matcher>& matchers, int64_t start,
                                                     int64_t end);

  std::shared_ptr<StoreState> state_;
  StoreOptions options_;
  std::atomic<int64_t> last_index_sequence_{0};
  std::mutex markers_mu_;
  std::set<std::string> tenants_marked_;  // tenants whose marker this process has stored
  std::mutex uploads_mu_;                 // one upload_pending_index_files() at a time
};

// LogQL matchers as the index evaluates them (same semantics, no dependency of lib/index on logql).
std::vector<idx::Matcher> to_index_matchers(const std::vector<logql::ast::Matcher>& matchers);

// A LogSource over one tenant of a store.
std::unique_ptr<logql::LogSource> make_store_source(std::shared_ptr<StoreState> state, std::string tenant);

}  // namespace store
