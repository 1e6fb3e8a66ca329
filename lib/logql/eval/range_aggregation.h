// Range aggregation step evaluator (`count_over_time({...}[5m])`, `rate(...)`, ...). Streams the
// selected entries once, in time order, through the sample extractor and slides a window
// (t - range - offset, t - offset] over them: memory is bounded by the samples inside one window,
// never by the whole query range. Each series with at least one sample in the window yields one
// point per step, stamped t; absent_over_time yields 1 only when the whole window is empty.
#pragma once

#include "logql/eval/step_evaluator.h"

namespace logql {

util::Result<StepEvaluatorPtr> new_range_aggregation_evaluator(const ast::RangeAggregation& agg,
                                                               const StepRange& range, LogSource& source);

// Labels of absent_over_time's sample: the selector's equality matchers, except names that
// also appear in another matcher.
model::LabelSet absent_labels(const std::vector<ast::Matcher>& matchers);

// Loki's message for samples carrying `__error__` (metric queries refuse them).
std::string pipeline_error_message(const model::LabelSet& labels);

}  // namespace logql
