// The metric-query building block: a StepEvaluator yields one instant vector per evaluation
// step, from start to end inclusive. Range aggregations read the source; vector aggregations,
// binary operations and functions wrap other step evaluators. Not thread-safe.
#pragma once

#include <cstdint>
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
struct StepRange {
  int64_t start = 0;
  int64_t end = 0;
  int64_t step = 1;
  const util::Cancellation* cancel = nullptr;
  log::PipelineOptions pipeline{};
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
