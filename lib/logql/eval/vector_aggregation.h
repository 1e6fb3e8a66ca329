// Vector aggregation step evaluator: sum, avg, min, max, stddev, stdvar, count, topk, bottomk,
// sort and sort_desc, with `by` (keep the listed labels) or `without` (drop them) grouping, per
// step, as Loki's VectorAggEvaluator does. topk/bottomk/sort keep the samples' own labels.
#pragma once

#include "logql/eval/step_evaluator.h"

namespace logql {

util::Result<StepEvaluatorPtr> new_vector_aggregation_evaluator(const ast::VectorAggregation& agg,
                                                                const StepRange& range, LogSource& source);

}  // namespace logql
