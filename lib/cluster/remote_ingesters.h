// RemoteIngesters: a querier's view of the ingesters of a ring (query::IngesterReader), Loki's
// IngesterQuerier. Every read asks all ingesters healthy for reading (ACTIVE and LEAVING;
// get_replication_set_for_operation(kRead)) in parallel and tolerates max_errors of them failing
// (rf/2: one of three); more failures fail the read with kUnavailable.
//
// Log entries come from select sessions (one per ingester, batches fetched as the query pulls),
// merged in time order with replicas de-duplicated (store::make_dedup_merge_iterator: an entry
// held by several replicas comes out once). Label names, values and series are unions; stats are
// merged per stream (the largest replica's figures), so replicas are not counted RF times.
//
// Only the recent window is read from ingesters: a select ending before
// now - query_ingesters_within returns nothing, and one starting before is clamped (older data
// has been flushed to the store, which the querier reads too).
//
// Thread-safety: every method may be called concurrently; a returned source belongs to one query.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cluster/call_pool.h"
#include "cluster/ingester_client.h"
#include "query/ingester_reader.h"
#include "ring/ring.h"
#include "util/clock.h"

namespace cluster {

struct RemoteIngestersOptions {
  int64_t query_ingesters_within_ns = 3LL * 3600 * 1'000'000'000;  // 0: every query asks the ingesters
  uint32_t batch_entries = 4096;
};

struct RemoteIngestersStats {
  uint64_t selects = 0;           // select sessions opened
  uint64_t ingester_failures = 0; // ingester calls that failed (tolerated or not)
  uint64_t read_failures = 0;     // reads that failed for want of enough ingesters
};

class RemoteIngesters final : public query::IngesterReader {
 public:
  // All must outlive this (and the sources it hands out).
  RemoteIngesters(ring::Ring& ring, IngesterClients& clients, CallPool& pool, RemoteIngestersOptions options);

  util::Result<std::unique_ptr<logql::LogSource>> source(const std::string& tenant) override;
  util::Result<std::vector<std::string>> label_names(const std::string& tenant, int64_t start, int64_t end) override;
  util::Result<std::vector<std::string>> label_values(const std::string& tenant, const std::string& name,
                                                      const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                      int64_t end) override;
  util::Result<std::vector<model::LabelSet>> series(const std::string& tenant,
                                                    const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                    int64_t end) override;
  util::Result<store::IndexStats> stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                        int64_t start, int64_t end) override;
  // Replicas' answers per stream: the one with the most entries (as stats).
  util::Result<std::vector<store::StreamSpans>> stream_spans(const std::string& tenant,
                                                             const std::vector<logql::ast::Matcher>& matchers,
                                                             int64_t start, int64_t end) override;
  // Every ingester's streams; each stream from the replica that counted the most lines. Unlike
  // the other reads, not clamped to query_ingesters_within: patterns live only in ingesters.
  util::Result<std::vector<pattern::StreamPatterns>> patterns(const std::string& tenant,
                                                             const std::vector<logql::ast::Matcher>& matchers,
                                                             int64_t start, int64_t end, int64_t step) override;

  RemoteIngestersStats remote_stats() const;

  // The part of [start, end) the ingesters are asked about; empty (start >= end) for none.
  std::pair<int64_t, int64_t> ingester_window(int64_t start, int64_t end) const;

  // Runs `call` on every ingester healthy for reading, in parallel, and waits for all; fails
  // when more than the set's max_errors fail (kUnavailable naming the failures). `call` runs on
  // pool threads concurrently: it guards what it writes.
  util::Status for_all(const std::function<util::Status(const std::shared_ptr<IngesterClient>&)>& call);

  IngesterClients& clients() { return clients_; }
  CallPool& pool() { return pool_; }
  const RemoteIngestersOptions& options() const { return options_; }
  void count_select() { selects_.fetch_add(1); }

 private:
  // The sorted union of one list-valued call over every ingester.
  util::Result<std::vector<std::string>> string_union(
      const MetadataRequest& req, util::Result<std::vector<std::string>> (IngesterClient::*call)(const MetadataRequest&));

  ring::Ring& ring_;
  IngesterClients& clients_;
  CallPool& pool_;
  const RemoteIngestersOptions options_;
  std::atomic<uint64_t> selects_{0}, failures_{0}, read_failures_{0};
};

}  // namespace cluster
