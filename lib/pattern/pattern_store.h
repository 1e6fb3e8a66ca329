// PatternStore: the patterns mined from the lines a process ingests, Loki's pattern ingester in
// one object. Per tenant, per stream, per level (the entry's `detected_level` structured
// metadata, lower-cased; anything else is `unknown`, as in Loki 3.5+) one Drain (drain.h), fed
// from the push path; queried by stream selector and time range, answered per stream with counts
// per step.
//
// Bounded memory: each stream's Drains hold at most max_clusters clusters (Loki's
// pattern_ingester.max_clusters, 300) of bounded size; prune() drops samples older than
// retain_for (3h) on the injected clock, then clusters, levels and streams left empty. Lines of
// a stream older than the newest one already seen are not counted (Loki's stream does the same).
//
// Thread-safety: every method may be called concurrently: tenants and streams are found under a
// shared lock, each stream trains and answers under its own mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "logql/eval/matchers.h"
#include "model/labels.h"
#include "pattern/drain.h"
#include "pattern/pattern_series.h"
#include "push/push_request.h"
#include "util/clock.h"

namespace pattern {

// Loki's pattern_ingester block, the keys logd honours (logd/config.cpp rejects the others).
struct PatternConfig {
  bool enabled = false;                    // Loki's default: off
  int64_t max_clusters = 300;              // per stream and level
  double max_eviction_ratio = 0.25;
  int64_t max_allowed_line_length = 3000;  // bytes
  int64_t retain_for = 3LL * 3600 * 1'000'000'000;          // ns
  int64_t pattern_sample_interval = 10LL * 1'000'000'000;   // ns
  int64_t flush_check_period = 60LL * 1'000'000'000;        // ns between prunes
};

// Loki's levels (pkg/util/constants/levels.go); the query answers carry one of these.
inline constexpr const char* kLevelUnknown = "unknown";
// `value` lower-cased when it is one of Loki's levels, else "unknown".
std::string normalize_level(std::string_view value);

struct PatternStoreStats {
  uint64_t streams = 0;
  uint64_t clusters = 0;
  uint64_t lines_trained = 0;
  uint64_t lines_skipped = 0;
  uint64_t clusters_evicted = 0;
};

class PatternStore {
 public:
  // `clock` must outlive the store.
  PatternStore(PatternConfig config, util::Clock& clock);
  ~PatternStore();
  PatternStore(const PatternStore&) = delete;
  PatternStore& operator=(const PatternStore&) = delete;

  const PatternConfig& config() const { return config_; }

  // Trains on every entry of the streams (already accepted by the ingester).
  void observe(const std::string& tenant, const std::vector<push::Stream>& streams);

  // The patterns of the tenant's streams the matchers select, with their counts in
  // [start_ns, end_ns) summed per step (at least the sample interval). Streams without lines in
  // the range are left out.
  std::vector<StreamPatterns> query(const std::string& tenant, const logql::LabelMatchers& matchers,
                                    int64_t start_ns, int64_t end_ns, int64_t step_ns) const;

  // Drops what is older than retain_for (now - retain_for on the clock).
  void prune();
  // prune() when flush_check_period has passed since the last one (the ingester's loop calls it).
  void maybe_prune();

  PatternStoreStats stats() const;

 private:
  struct Stream;
  struct Tenant;
  std::shared_ptr<Tenant> tenant(const std::string& id);  // created when new
  std::shared_ptr<Tenant> find_tenant(const std::string& id) const;

  const PatternConfig config_;
  DrainConfig drain_config_;
  util::Clock& clock_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<Tenant>> tenants_;
  std::mutex prune_mu_;
  int64_t last_prune_ns_;
  std::atomic<uint64_t> lines_trained_{0}, lines_skipped_{0}, clusters_evicted_{0};
};

}  // namespace pattern
