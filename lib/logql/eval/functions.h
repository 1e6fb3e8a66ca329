// Metric functions that are not aggregations: vector(x) (one unlabelled sample per step) and
// label_replace (regex-driven label rewrite, fully anchored, with Go's $1 / ${name} expansion).
#pragma once

#include <string>
#include <string_view>

#include "logql/eval/step_evaluator.h"

namespace re2 {
class RE2;
}

namespace logql {

util::Result<StepEvaluatorPtr> new_vector_literal_evaluator(double value, const StepRange& range);
util::Result<StepEvaluatorPtr> new_label_replace_evaluator(const ast::LabelReplace& expr, const StepRange& range,
                                                           LogSource& source);

// Go's regexp.Expand: `$1`, `${1}`, `$name`, `${name}` and `$$`; `$name` takes the longest run
// of letters, digits and underscores; unknown groups expand to nothing.
std::string expand_template(std::string_view tmpl, const re2::RE2& re, const std::vector<std::string_view>& groups);

}  // namespace logql
