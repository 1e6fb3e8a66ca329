// The Querier: what a query reads, per tenant. For one tenant it merges the ingester's in-memory
// data with the chunk store (without duplicates, for the window where a flushed chunk is also
// still in memory). For a multi-tenant query (org ID `a|b`) it reads each tenant and adds the
// label `__tenant_id__` to every stream, series and label listing, as Loki's MultiTenantQuerier
// does; matchers on `__tenant_id__` choose the tenants and are not passed down.
//
// Either backend may be absent (null), e.g. in tests; the ingester side is an IngesterReader (the
// local ingester, or a cluster's). Thread-safety: every method may be called
// concurrently (the backends are thread-safe); a returned LogSource belongs to one query.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ingest/ingester.h"
#include "query/ingester_reader.h"
#include "logql/ast.h"
#include "logql/eval/source.h"
#include "model/labels.h"
#include "store/store.h"
#include "util/result.h"

namespace query {

inline constexpr const char* kTenantLabel = "__tenant_id__";

// Combines one tenant's in-memory source and stored source into one (ingester first, store
// second). The default is store::DedupMergeSource (an entry in both comes out once).
using SourceMerger = std::function<std::unique_ptr<logql::LogSource>(std::unique_ptr<logql::LogSource> ingester,
                                                                     std::unique_ptr<logql::LogSource> store)>;

// Wraps a tenant's merged source before a query reads it (logd: hiding deleted entries).
using TenantSourceWrapper =
    std::function<std::unique_ptr<logql::LogSource>(const std::string& tenant, std::unique_ptr<logql::LogSource>)>;

class Querier {
 public:
  // Over the process's own ingester (may be null) and store.
  Querier(ingest::Ingester* ingester, store::ChunkStore* store, SourceMerger merger = {});
  // Over any ingester reader (a cluster's ingesters), which must outlive the querier.
  Querier(IngesterReader& ingesters, store::ChunkStore* store, SourceMerger merger = {});

  // Set before the first query (not synchronized).
  void set_source_wrapper(TenantSourceWrapper wrapper) { wrapper_ = std::move(wrapper); }

  // `tenants` is sorted and de-duplicated (push::split_tenant_ids); one tenant reads as is.
  util::Result<std::unique_ptr<logql::LogSource>> source(const std::vector<std::string>& tenants);

  util::Result<std::vector<std::string>> label_names(const std::vector<std::string>& tenants, int64_t start,
                                                     int64_t end);
  util::Result<std::vector<std::string>> label_values(const std::vector<std::string>& tenants,
                                                      const std::string& name,
                                                      const std::vector<logql::ast::Matcher>& matchers,
                                                      int64_t start, int64_t end);
  util::Result<std::vector<model::LabelSet>> series(const std::vector<std::string>& tenants,
                                                    const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                    int64_t end);
  util::Result<store::IndexStats> stats(const std::vector<std::string>& tenants,
                                        const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                        int64_t end);
  // The selected streams with their chunks' metadata (ingester parts and stored chunks) over
  // [start, end), for volume answers; a multi-tenant query adds `__tenant_id__` to each stream.
  // A stream may come more than once (from the ingesters and from the store): its spans add up.
  util::Result<std::vector<store::StreamSpans>> stream_spans(const std::vector<std::string>& tenants,
                                                             const std::vector<logql::ast::Matcher>& matchers,
                                                             int64_t start, int64_t end);
  // The patterns of the selected streams (from the ingesters: patterns are not stored), merged
  // and pruned as Loki's querier does (pattern/pattern_series.h). kNotFound when the pattern
  // ingester is off (or there is no ingester to ask).
  util::Result<std::vector<pattern::PatternSeries>> patterns(const std::vector<std::string>& tenants,
                                                             const std::vector<logql::ast::Matcher>& matchers,
                                                             int64_t start, int64_t end, int64_t step);

 private:
  Querier(store::ChunkStore* store, SourceMerger merger);
  util::Result<std::unique_ptr<logql::LogSource>> tenant_source(const std::string& tenant);
  std::unique_ptr<logql::LogSource> merged_source(const std::string& tenant, std::unique_ptr<logql::LogSource> mem,
                                                  std::unique_ptr<logql::LogSource> stored);

  std::unique_ptr<IngesterReader> owned_ingester_;
  IngesterReader* ingester_ = nullptr;
  store::ChunkStore* store_;
  SourceMerger merger_;
  TenantSourceWrapper wrapper_;
};

// Splits the `__tenant_id__` matchers off `matchers` and returns the tenants they accept
// (all of `tenants` when there are none). Errors: an invalid regex.
util::Result<std::vector<std::string>> select_tenants(const std::vector<std::string>& tenants,
                                                      std::vector<logql::ast::Matcher>& matchers);

// A LogSource merging several sources' iterators by time (no de-duplication).
std::unique_ptr<logql::LogSource> merge_sources(std::vector<std::unique_ptr<logql::LogSource>> sources);

}  // namespace query
