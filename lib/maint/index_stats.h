// What a tenant's index holds: `logidx stats`, to size a store and find cardinality explosions.
//
// Read-only; needs no lock (a concurrent rewrite may make the numbers momentarily count a
// chunk's replacement as well). Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "maint/target.h"
#include "util/result.h"

namespace maint {

struct LabelCardinality {
  std::string name;
  size_t values = 0;  // distinct values
  size_t series = 0;  // series carrying the label
};

struct LabelValueCount {
  std::string name;
  std::string value;
  size_t series = 0;
};

struct TenantStats {
  std::string tenant;
  size_t periods = 0;
  size_t index_files = 0;
  size_t series = 0;
  size_t chunks = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;       // raw line bytes (Loki's stats "bytes")
  uint64_t file_bytes = 0;  // chunk objects in the store
  int64_t min_time = 0, max_time = 0;
  std::vector<LabelCardinality> labels;     // by descending distinct values
  std::vector<LabelValueCount> top_values;  // by descending series count, at most `top`
};

util::Result<TenantStats> tenant_stats(const Target& target, const std::string& tenant, size_t top);

// Human-readable report, or one JSON object (for scripts).
std::string format_stats_text(const TenantStats& stats);
std::string format_stats_json(const TenantStats& stats);

}  // namespace maint
