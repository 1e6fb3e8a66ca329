// Range aggregation step evaluator (`count_over_time({...}[5m])`, `rate(...)`, ...). Streams the
// selected entries once, in time order, through the sample extractor and slides a window
// (t - range - offset, t - offset] over them: memory is bounded by the samples inside one window,
// never by the whole query range. Each series with at least one sample in the window yields one
// point per step, stamped t; absent_over_time yields 1 only when the whole window is empty.
#pragma once

#include "logql/eval/step_evaluator.h"

namespace logql {

// `grouping_override`, when set, replaces the aggregation's own (absent) grouping: an outer
// `sum by/without` pushed down into the sample extractor (see grouping_pushdown()).
util::Result<StepEvaluatorPtr> new_range_aggregation_evaluator(const ast::RangeAggregation& agg,
                                                               const StepRange& range, LogSource& source,
                                                               const std::optional<ast::Grouping>& grouping_override = {});

// Loki's canInjectVectorGrouping: the grouping an outer vector aggregation `outer` over the range
// aggregation `inner` lets the sample extractor apply itself, or nullopt. Only `sum` over
// count/rate/bytes/sum_over_time, where summing per-series values and then grouping equals
// grouping the entries first, and only when the range aggregation has no grouping of its own.
// Grouping in the extractor means one series per group instead of one per distinct label set.
std::optional<ast::Grouping> grouping_pushdown(const ast::VectorAggregation& outer, const ast::RangeAggregation& inner);

// Labels of absent_over_time's sample: the selector's equality matchers, except names that
// also appear in another matcher.
model::LabelSet absent_labels(const std::vector<ast::Matcher>& matchers);

// Loki's message for samples carrying `__error__` (metric queries refuse them).
std::string pipeline_error_message(const model::LabelSet& labels);

}  // namespace logql
