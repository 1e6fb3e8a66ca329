// What a patterns query answers: per pattern (and level), its line counts per step; and how
// answers from several streams, replicas and ingesters are combined, as Loki's querier does
// (pkg/pattern/ingester_querier.go): equal patterns of the same level add up, then patterns are
// ordered by their total, most frequent first, and those with fewer than 30 lines in the range
// (Loki's minClusterSize) or past the first 300 (maxPatterns) are left out.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/labels.h"
#include "pattern/sample_buckets.h"

namespace pattern {

inline constexpr int64_t kMinPatternTotal = 30;
inline constexpr size_t kMaxPatterns = 300;

struct PatternSeries {
  std::string pattern;
  std::string level;             // detected_level: debug, info, ... or unknown
  std::vector<Sample> samples;   // in time order, one per step with lines
  int64_t total() const;
  bool operator==(const PatternSeries&) const = default;
};

// One stream's patterns (the unit replicas are compared by).
struct StreamPatterns {
  model::LabelSet labels;
  std::vector<PatternSeries> series;
  int64_t total() const;
};

// Sums the series of equal (pattern, level): samples at the same time add up. Sorted by
// (pattern, level).
std::vector<PatternSeries> merge_series(std::vector<PatternSeries> series);

// The streams of several ingesters, each stream once: replicas of a stream hold the same lines,
// so the copy with the most lines (the most complete replica) is kept.
std::vector<StreamPatterns> dedupe_replicas(std::vector<std::vector<StreamPatterns>> per_ingester);

// merge_series over every stream, then Loki's pruning: most frequent first (ties by pattern,
// level), at least kMinPatternTotal lines, at most kMaxPatterns patterns.
std::vector<PatternSeries> top_patterns(std::vector<StreamPatterns> streams);

}  // namespace pattern
