// Binary operations between vectors and scalars with Loki's semantics: arithmetic (+ - * / % ^,
// x/0 and x%0 are NaN in Loki), comparisons (filtering, or 0/1 with `bool`), set operations
// (and, or, unless), and vector matching with on/ignoring and group_left/group_right.
#pragma once

#include <optional>

#include "logql/eval/step_evaluator.h"

namespace logql {

util::Result<StepEvaluatorPtr> new_binary_evaluator(const ast::BinaryExpr& expr, const StepRange& range,
                                                    LogSource& source);

// Applies `op` to two numbers. Returns nullopt when a comparison fails and `filter` is set (the
// element is dropped); otherwise the result (0/1 for comparisons).
std::optional<double> apply_binary_op(ast::BinOp op, double lhs, double rhs, bool filter);

bool is_comparison(ast::BinOp op);
bool is_set_op(ast::BinOp op);

}  // namespace logql
