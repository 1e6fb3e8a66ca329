// Log volume (Loki's /loki/api/v1/index/volume and volume_range): bytes per label combination,
// computed from chunk metadata alone (store::StreamSpans), never from lines.
//
// Aggregation follows Loki's index (PrepareLabelsAndMatchers and TSDBIndex.Volume): a stream's
// bytes go to the series made of its labels named by the selector's matchers (or by
// `target_labels` when given); with `aggregate_by` labels, to each such label name alone (every
// label of the stream when no target labels are given). A match-all selector (`{}`) keeps all
// of a stream's labels. `__tenant_id__` only counts when targeted.
//
// Time: a chunk's bytes are spread evenly over the time it covers, so a chunk that overlaps a
// bucket partly counts in proportion (Loki's index stats prorate the same way); a range's
// buckets are aligned to multiples of `step` (Loki's util.ForInterval) and stamped with their
// end (the next boundary minus 1 ms, the last one with `end`). Per bucket only the `limit`
// largest series are kept, as Loki merges each bucket's answers.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "logql/ast.h"
#include "model/labels.h"
#include "store/store.h"
#include "util/result.h"

namespace query {

enum class VolumeAggregation { kSeries, kLabels };

struct VolumeRequest {
  std::vector<logql::ast::Matcher> matchers;  // the selector's (empty: `{}`, everything)
  int64_t start = 0;                          // ns, inclusive
  int64_t end = 0;                            // ns, exclusive
  int64_t step = 0;                           // ns; 0: one bucket over the whole range (volume)
  size_t limit = 100;                         // series kept per bucket
  std::vector<std::string> target_labels;
  VolumeAggregation aggregate_by = VolumeAggregation::kSeries;
};

// A volume query's selector: a stream selector, or `{}` for every stream (Loki's match-all).
util::Result<std::vector<logql::ast::Matcher>> parse_volume_selector(std::string_view query);

// The matchers streams are selected with: the request's, plus `name=~".+"` for every target
// label no matcher names (a stream without a target label has no volume for it).
std::vector<logql::ast::Matcher> volume_selection(const VolumeRequest& request);

struct VolumePoint {
  int64_t timestamp = 0;  // ns: the bucket's end
  uint64_t bytes = 0;
};

struct VolumeSeries {
  // The series' labels, sorted; for kLabels one label, the name, with value "" (which a
  // model::LabelSet would drop).
  std::vector<model::Label> metric;
  std::vector<VolumePoint> points;  // time order; buckets where the series has no bytes are absent
};

// Series ordered as Loki orders them: by their first point's bytes, largest first, then by
// rendered labels.
std::vector<VolumeSeries> aggregate_volume(const std::vector<store::StreamSpans>& streams,
                                           const VolumeRequest& request);

// The bytes of a span that fall in [lo, hi): its bytes times the share of its time inside,
// rounded so that the shares of adjacent ranges add up to the span's bytes exactly.
uint64_t prorated_bytes(const store::ChunkSpan& span, int64_t lo, int64_t hi);

}  // namespace query
