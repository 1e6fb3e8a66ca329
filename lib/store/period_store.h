// PeriodStore: one ChunkStore over the stores of several schema periods (Loki's schema_config
// with a period switching, say, from the filesystem to S3 at a date). A chunk is written to the
// store of the period its first entry falls in, with its index entries; reads ask every store
// that can hold chunks overlapping the range (a store's chunks start at or after its period's
// first day, but may run past the next period's start) and merge the answers, so older days
// are read from where they are.
//
// Thread-safety: as the stores it holds (every method may be called concurrently).
#pragma once

#include <memory>
#include <vector>

#include "store/store.h"

namespace store {

struct PeriodStoreEntry {
  int64_t from_day = 0;  // first UTC day (idx::period_of numbering) whose chunks go to `store`
  std::unique_ptr<ChunkStore> store;
};

class PeriodStore final : public ChunkStore {
 public:
  // `entries` sorted by from_day, strictly increasing; the first one takes everything before too.
  explicit PeriodStore(std::vector<PeriodStoreEntry> entries);

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
  objstore::BucketMetrics bucket_metrics() const override;
  std::string location() const override;
  util::Status maintain() override;

  const std::vector<PeriodStoreEntry>& entries() const { return entries_; }

 private:
  // The stores that may hold chunks overlapping [start, end).
  std::vector<ChunkStore*> stores_for(int64_t start, int64_t end) const;
  size_t store_index_of(int64_t ts) const;

  std::vector<PeriodStoreEntry> entries_;
};

}  // namespace store
