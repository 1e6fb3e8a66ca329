// The metric-query building block: a StepEvaluator yields one instant vector per evaluation
// step, from start to end inclusive. Range aggregations read the source; vector aggregations,
// binary operations and functions wrap other step evaluators. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "logql/ast.h"
#include "logql/eval/source.h"
#include "logql/log/pipeline.h"
#include "model/labels.h"
#include "util/cancellation.h"
#include "util/result.h"

namespace logql {

// One element of an instant vector.
struct Sample {
  model::LabelSet labels;
  double v = 0;
};
using SampleVector = std::vector<Sample>;

// Evaluation times: start, start+step, ... <= end. Instant queries use start == end, step 1.
// Also what every evaluator of the tree shares: the query's cancellation, checked by the range
// aggregations as they read, and the options their sample extractors are compiled with.
//
// `on_new_series`, when set, is told of each series the evaluator being built will output, once,
// when its first sample lands in a window, before the step is assembled: an error stops the
// evaluation with that status. The engine counts the result's series this way (max_series), so
// a query over many series stops as they appear rather than after a step has built them all.
// Range aggregations call it; a vector aggregation passes its inner evaluator an observer that
// maps series to its groups; every other evaluator clears it for its operands.
using SeriesObserver = std::function<util::Status(const model::LabelSet&)>;

struct StepRange {
  int64_t start = 0;
  int64_t end = 0;
  int64_t step = 1;
  const util::Cancellation* cancel = nullptr;
  log::PipelineOptions pipeline{};
  SeriesObserver on_new_series{};
};

// `v` clamped into int64: time arithmetic near the ends of int64 (a query may ask for times as
// late as 2262 or as early as 1677) is done in 128 bits and clamped, never wrapped.
inline int64_t clamp_ns(__int128 v) {
  if (v > INT64_MAX) return INT64_MAX;
  if (v < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(v);
}

// The step times of a StepRange in order. A loop that added the step to the last time wrapped
// around past INT64_MAX and never ended (one query near the end of time pinned a core).
class StepTimes {
 public:
  explicit StepTimes(const StepRange& r) : next_(r.start), end_(r.end), step_(r.step > 0 ? r.step : 1) {}
  // The next step time; false once past the end.
  bool next(int64_t& t) {
    if (next_ > end_) return false;
    t = static_cast<int64_t>(next_);
    next_ += step_;
    return true;
  }

 private:
  __int128 next_;
  int64_t end_, step_;
};

class StepEvaluator {
 public:
  virtual ~StepEvaluator() = default;
  // Fills `out` (cleared first) with the vector at the next step and sets `t`; false when past
  // the end or on error (see status()).
  virtual bool next(int64_t& t, SampleVector& out) = 0;
  virtual util::Status status() const { return {}; }
};

using StepEvaluatorPtr = std::unique_ptr<StepEvaluator>;

// Builds the evaluator tree for a metric expression (engine.cpp dispatches on node type).
util::Result<StepEvaluatorPtr> new_step_evaluator(const ast::Expr& expr, const StepRange& range, LogSource& source);

// The value of an expression made only of number literals (folded as Loki's parser does), or
// nullopt when the expression involves series.
std::optional<double> constant_value(const ast::Expr& expr);

}  // namespace logql
