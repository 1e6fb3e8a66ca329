// LocalStore: the ChunkStore over a local directory (layout in docs/data-layout.md).
//
// Writing: each chunk becomes one file under <root>/<tenant>/chunks/<day of its first entry>/;
// the batch's chunk files are written atomically together (fsutil::write_files_atomically: one
// syncfs for all of them, not one fsync each); only then does each day the batch touches get one
// new immutable index file under <root>/<tenant>/index/<day>/ listing the batch's chunks that
// overlap that day. A crash or failure in between leaves unreferenced chunk files (harmless),
// never an index entry without its chunk.
//
// Reading: the index files of the days overlapping a query are opened once and cached
// (IndexCache); queries see a batch as soon as write_chunks() returns, and files written by
// other processes after a directory listing refresh. Missing or corrupt chunks are skipped with
// a warning and counted (StoreCounters), so one bad file never fails a whole query.
//
// Thread-safety: every method may be called concurrently. Sources and iterators keep the shared
// state alive themselves, so they may outlive the LocalStore that made them.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "index/index_format.h"
#include "index/matcher.h"
#include "store/index_cache.h"
#include "store/store.h"

namespace store {

// The state a LocalStore shares with the sources and iterators it hands out.
struct LocalStoreState {
  std::string root;
  std::function<void(const std::string&)> warn;
  std::atomic<uint64_t> chunks_written{0}, chunk_bytes_written{0}, index_files_written{0}, chunks_opened{0},
      corrupt_chunks_skipped{0}, corrupt_index_files{0};
  std::atomic<int64_t> last_index_name{0};
  IndexCache cache;

  explicit LocalStoreState(LocalStoreOptions options);

  // Series matching `matchers` with their (deduplicated) chunk refs overlapping [start, end),
  // merged over every period of the range.
  util::Result<std::map<model::LabelSet, std::vector<idx::ChunkRef>>> series_chunks(
      const std::string& tenant, const std::vector<idx::Matcher>& matchers, int64_t start, int64_t end);
};

class LocalStore : public ChunkStore {
 public:
  explicit LocalStore(LocalStoreOptions options);

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
  StoreCounters counters() const override;

 private:
  std::string next_index_file_name(const std::string& dir);
  // Label names (name empty) or values of `name` over the range, per period with a fast path for
  // periods the range covers entirely.
  util::Result<std::vector<std::string>> label_query(const std::string& tenant, const std::string* name,
                                                     const std::vector<idx::Matcher>& matchers, int64_t start,
                                                     int64_t end);

  std::shared_ptr<LocalStoreState> state_;
};

// LogQL matchers as the index evaluates them (same semantics, no dependency of lib/index on logql).
std::vector<idx::Matcher> to_index_matchers(const std::vector<logql::ast::Matcher>& matchers);

// A LogSource over one tenant of a LocalStore.
std::unique_ptr<logql::LogSource> make_store_source(std::shared_ptr<LocalStoreState> state, std::string tenant);

}  // namespace store
