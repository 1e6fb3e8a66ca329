// IngesterImpl: the Ingester (ingester.h) over MemStreams, a WalWriter and a store::ChunkStore.
// Internal to lib/ingest; others use Ingester::open().
//
// Locking, outermost first: checkpoint_mu_ / flush_mu_ (one checkpoint, one flush pass at a
// time) -> apply_lock_ (push: shared, for its WAL write and memory apply; checkpoint: exclusive,
// only to rotate the WAL, so every record in the segments a checkpoint supersedes is already in
// memory when the snapshot starts) -> tenants_mu_ -> TenantStreams -> MemStream. Tail callbacks
// run with no ingester lock held.
#pragma once

#include <pthread.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ingest/ingester.h"
#include "ingest/mem_stream.h"
#include "ingest/tenant_streams.h"
#include "wal/wal_writer.h"

namespace ingest {

// A reader-writer lock that prefers writers, so a checkpoint's brief exclusive section is not
// starved by a continuous stream of pushes (glibc's default rwlock prefers readers).
class WriterPreferringLock {
 public:
  WriterPreferringLock();
  ~WriterPreferringLock();
  void lock() { pthread_rwlock_wrlock(&lock_); }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

class IngesterImpl final : public Ingester {
 public:
  IngesterImpl(const IngesterOptions& options, store::ChunkStore& store);
  ~IngesterImpl() override;

  // Replays the WAL and opens the writer; then starts the background loop if configured.
  util::Status start();

  util::Status push(const std::string& tenant, const std::vector<push::Stream>& streams) override;
  std::unique_ptr<logql::LogSource> source(const std::string& tenant) override;
  std::vector<std::string> label_names(const std::string& tenant, int64_t start, int64_t end) override;
  std::vector<std::string> label_values(const std::string& tenant, const std::string& name,
                                        const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                        int64_t end) override;
  std::vector<model::LabelSet> series(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                      int64_t start, int64_t end) override;
  store::IndexStats stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                          int64_t end) override;
  std::vector<std::pair<model::LabelSet, store::IndexStats>> stream_stats(
      const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t start,
      int64_t end) override;
  std::vector<store::StreamSpans> stream_spans(const std::string& tenant,
                                               const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                               int64_t end) override;
  uint64_t subscribe(const std::string& tenant, TailCallback on_entry) override;
  void unsubscribe(uint64_t id) override;
  util::Status flush_all() override;
  util::Status flush_due() override;
  util::Status checkpoint() override;
  IngesterStats stats_snapshot() const override;
  std::vector<std::string> tenants() const override;
  pattern::PatternStore* patterns() const override { return patterns_.get(); }

  // Streams of `tenant` matching `matchers` with data overlapping [start, end).
  util::Result<std::vector<std::shared_ptr<MemStream>>> select_streams(const std::string& tenant,
                                                                      const std::vector<logql::ast::Matcher>& matchers,
                                                                      int64_t start, int64_t end) const;

 private:
  int64_t now() const;
  std::shared_ptr<TenantStreams> find_tenant(const std::string& tenant) const;
  std::shared_ptr<TenantStreams> tenant_for_write(const std::string& tenant);
  std::vector<std::pair<std::string, std::shared_ptr<TenantStreams>>> all_tenants() const;

  // Appends one stream's entries to memory; returns the stream if it asks to be cut.
  std::shared_ptr<MemStream> apply_stream(const std::string& tenant, TenantStreams& streams, const model::LabelSet& labels,
                                          const std::vector<model::Entry>& entries, int64_t now,
                                          std::vector<uint32_t>* accepted);
  util::Status apply_wal_batch(std::string_view payload);
  util::Status cut_stream(const std::string& tenant, MemStream& stream, int64_t now, bool force);
  util::Status flush_tenant(const std::string& tenant, TenantStreams& streams, int64_t now, bool force);
  // Writes the cut chunks of `streams` (all of `tenant`) to the store in batches; on failure
  // sets the tenant's backoff. REQUIRES: flush_mu_ held.
  util::Status write_cut_chunks(const std::string& tenant, const std::vector<std::shared_ptr<MemStream>>& streams,
                                int64_t now);
  // Memory ceiling (ingester_memory.cpp): OK when `incoming` more bytes fit under the ceiling,
  // after flushing the oldest streams early if needed; else kRateLimited.
  util::Status make_room(uint64_t incoming);
  // Cuts and flushes streams, oldest data first, until memory_bytes_ is at most `goal` (tenants
  // in flush backoff are skipped). REQUIRES: flush_mu_ held.
  util::Status flush_oldest(uint64_t goal);
  util::Status flush_pass(bool force);
  void notify_tail(const std::string& tenant, const std::vector<push::Stream>& streams,
                   const std::vector<std::vector<uint32_t>>& accepted);
  void background_loop(std::stop_token stop);

  const IngesterOptions options_;
  const CutOptions cut_;
  store::ChunkStore& store_;

  mutable std::shared_mutex tenants_mu_;
  std::unordered_map<std::string, std::shared_ptr<TenantStreams>> tenants_;

  WriterPreferringLock apply_lock_;
  std::unique_ptr<wal::WalWriter> wal_;

  std::mutex flush_mu_;
  struct Backoff {
    int64_t next_attempt = 0;
    int64_t delay = 0;
  };
  std::map<std::string, Backoff> backoff_;  // guarded by flush_mu_
  std::mutex checkpoint_mu_;
  std::atomic<int64_t> last_checkpoint_{0};

  struct Subscriber {
    std::string tenant;
    std::shared_ptr<TailCallback> callback;
  };
  std::mutex tail_mu_;
  std::map<uint64_t, Subscriber> subscribers_;
  uint64_t next_subscriber_ = 1;
  std::atomic<size_t> subscriber_count_{0};

  std::atomic<uint64_t> chunks_flushed_{0}, flush_failures_{0}, records_replayed_{0}, checkpoints_{0};
  // Log data in memory (see IngesterOptions::memory_ceiling); deltas may briefly drive it below 0.
  std::atomic<int64_t> memory_bytes_{0};
  std::atomic<uint64_t> memory_early_flushes_{0}, memory_refusals_{0};

  util::Clock& clock_;
  std::unique_ptr<pattern::PatternStore> patterns_;  // null: pattern_ingester off
  std::jthread loop_;
};

}  // namespace ingest
