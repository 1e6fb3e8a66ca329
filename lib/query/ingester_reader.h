// What the querier reads from ingesters (the recent, not yet flushed data): the process's own
// ingester in the single process (read_local_ingester), or every ingester of a ring in a cluster
// (cluster::RemoteIngesters, replicas de-duplicated). Loki's querier has the same seam
// (IngesterQuerier).
//
// Thread-safety: implementations allow concurrent calls; a returned LogSource belongs to one query.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/ingester.h"
#include "logql/ast.h"
#include "logql/eval/source.h"
#include "model/labels.h"
#include "pattern/pattern_series.h"
#include "store/store.h"
#include "util/result.h"

namespace query {

class IngesterReader {
 public:
  virtual ~IngesterReader() = default;
  virtual util::Result<std::unique_ptr<logql::LogSource>> source(const std::string& tenant) = 0;
  virtual util::Result<std::vector<std::string>> label_names(const std::string& tenant, int64_t start,
                                                             int64_t end) = 0;
  virtual util::Result<std::vector<std::string>> label_values(const std::string& tenant, const std::string& name,
                                                              const std::vector<logql::ast::Matcher>& matchers,
                                                              int64_t start, int64_t end) = 0;
  virtual util::Result<std::vector<model::LabelSet>> series(const std::string& tenant,
                                                            const std::vector<logql::ast::Matcher>& matchers,
                                                            int64_t start, int64_t end) = 0;
  virtual util::Result<store::IndexStats> stats(const std::string& tenant,
                                                const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                int64_t end) = 0;
  // Per stream, the metadata of its in-memory parts overlapping [start, end) (volume answers).
  virtual util::Result<std::vector<store::StreamSpans>> stream_spans(const std::string& tenant,
                                                                     const std::vector<logql::ast::Matcher>& matchers,
                                                                     int64_t start, int64_t end) = 0;
  // Per stream, the patterns the ingesters mined (pattern/pattern_store.h) with their counts in
  // [start, end) per step; each stream once (replicas de-duplicated). kNotFound when the
  // pattern ingester is off.
  virtual util::Result<std::vector<pattern::StreamPatterns>> patterns(const std::string& tenant,
                                                                     const std::vector<logql::ast::Matcher>& matchers,
                                                                     int64_t start, int64_t end, int64_t step) = 0;
};

// The error of a patterns request to an ingester without pattern_ingester.enabled.
util::Error patterns_disabled();

// The reader of one in-process ingester, which must outlive it.
std::unique_ptr<IngesterReader> read_local_ingester(ingest::Ingester& ingester);

}  // namespace query
