// Query dispatch: log queries go to evaluate_log_query; metric queries are turned into a tree of
// step evaluators, run from start to end, and assembled into a Vector (instant) or a Matrix
// (range), sorted by labels as Loki does (instant vectors keep sort/sort_desc order).
#include "logql/eval/engine.h"

#include <algorithm>
#include <map>

#include "logql/eval/binary_op.h"
#include "logql/eval/functions.h"
#include "logql/eval/log_query.h"
#include "logql/eval/range_aggregation.h"
#include "logql/eval/step_evaluator.h"
#include "logql/eval/vector_aggregation.h"

namespace logql {
namespace {

// Whether a vector aggregation with one of `ops` appears anywhere in `expr`.
bool uses_vector_op(const ast::Expr& expr, std::initializer_list<ast::VectorOp> ops) {
  if (auto* v = std::get_if<ast::VectorAggregation>(&expr.node)) {
    if (std::find(ops.begin(), ops.end(), v->op) != ops.end()) return true;
    return v->inner && uses_vector_op(*v->inner, ops);
  }
  if (auto* b = std::get_if<ast::BinaryExpr>(&expr.node)) {
    return (b->lhs && uses_vector_op(*b->lhs, ops)) || (b->rhs && uses_vector_op(*b->rhs, ops));
  }
  if (auto* l = std::get_if<ast::LabelReplace>(&expr.node)) return l->inner && uses_vector_op(*l->inner, ops);
  return false;
}

// A literal (or vector()) query: a scalar for instant queries, else one unlabelled series with a
// point at every step.
QueryResult constant_result(double value, bool as_vector, const QueryParams& p, bool instant) {
  QueryResult r;
  if (instant) {
    if (as_vector) {
      r.type = ResultType::Vector;
      r.vector.push_back(VectorSample{{}, Point{p.start, value}});
    } else {
      r.type = ResultType::Scalar;
      r.scalar = Point{p.start, value};
    }
    return r;
  }
  r.type = ResultType::Matrix;
  Series s;
  for (int64_t t = p.start; t <= p.end; t += p.step) s.points.push_back(Point{t, value});
  r.matrix.push_back(std::move(s));
  return r;
}

}  // namespace

std::optional<double> constant_value(const ast::Expr& expr) {
  if (auto* lit = std::get_if<ast::Literal>(&expr.node)) return lit->value;
  if (auto* b = std::get_if<ast::BinaryExpr>(&expr.node)) {
    if (!b->lhs || !b->rhs || is_set_op(b->op)) return std::nullopt;
    auto l = constant_value(*b->lhs);
    if (!l) return std::nullopt;
    auto r = constant_value(*b->rhs);
    if (!r) return std::nullopt;
    // Loki folds literal-only operations at parse time, comparisons yielding 0 or 1.
    return apply_binary_op(b->op, *l, *r, /*filter=*/false);
  }
  return std::nullopt;
}

util::Result<StepEvaluatorPtr> new_step_evaluator(const ast::Expr& expr, const StepRange& range, LogSource& source) {
  return std::visit(
      [&](const auto& node) -> util::Result<StepEvaluatorPtr> {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::RangeAggregation>) {
          return new_range_aggregation_evaluator(node, range, source);
        } else if constexpr (std::is_same_v<T, ast::VectorAggregation>) {
          return new_vector_aggregation_evaluator(node, range, source);
        } else if constexpr (std::is_same_v<T, ast::BinaryExpr>) {
          return new_binary_evaluator(node, range, source);
        } else if constexpr (std::is_same_v<T, ast::VectorLiteral>) {
          return new_vector_literal_evaluator(node.value, range);
        } else if constexpr (std::is_same_v<T, ast::LabelReplace>) {
          return new_label_replace_evaluator(node, range, source);
        } else if constexpr (std::is_same_v<T, ast::Literal>) {
          return util::Error{"unexpected literal: a number is only allowed as a query or a binary operand"};
        } else {
          return util::Error{"unexpected log selector in a metric query"};
        }
      },
      expr.node);
}

namespace {

bool is_instant(const QueryParams& params) {
  return params.instant || (params.start == params.end && params.step == 0);
}

constexpr const char* kInstantLogQuery =
    "log queries are not supported as an instant query type, please change your query to a range query type";

}  // namespace

util::Status stream_log_entries(const ast::Expr& expr, const QueryParams& params, LogSource& source,
                                const EntryCallback& emit) {
  if (!expr.is_log_query()) return util::Error{"not a log query"};
  if (is_instant(params)) return util::Error{kInstantLogQuery};
  return stream_log_query(std::get<ast::LogSelector>(expr.node), params, source, emit);
}

util::Result<QueryResult> evaluate(const ast::Expr& expr, const QueryParams& params, LogSource& source) {
  const bool instant = is_instant(params);
  if (expr.is_log_query()) {
    if (instant) return util::Error{kInstantLogQuery};
    return evaluate_log_query(std::get<ast::LogSelector>(expr.node), params, source);
  }
  if (!instant && params.step <= 0) {
    return util::Error{"zero or negative query resolution step widths are not accepted. Try a positive integer"};
  }
  if (!instant && params.end < params.start) return util::Error{"end timestamp must not be before start time"};
  if (!instant && uses_vector_op(expr, {ast::VectorOp::ApproxTopk})) {
    return util::Error{"approx_topk error: count min sketches are only supported on instant queries"};
  }

  if (auto c = constant_value(expr)) return constant_result(*c, false, params, instant);
  if (auto* v = std::get_if<ast::VectorLiteral>(&expr.node)) return constant_result(v->value, true, params, instant);

  StepRange range;
  range.start = params.start;
  range.end = instant ? params.start : params.end;
  range.step = instant ? 1 : params.step;
  auto ev_or = new_step_evaluator(expr, range, source);
  if (!ev_or.ok()) return ev_or.status_error();
  StepEvaluator& ev = **ev_or;

  QueryResult result;
  SampleVector vec;
  int64_t t = 0;
  if (instant) {
    result.type = ResultType::Vector;
    if (ev.next(t, vec)) {
      for (auto& s : vec) result.vector.push_back(VectorSample{std::move(s.labels), Point{params.start, s.v}});
    }
    if (!ev.status().ok()) return ev.status().status_error();
    if (!uses_vector_op(expr, {ast::VectorOp::Sort, ast::VectorOp::SortDesc})) {
      std::stable_sort(result.vector.begin(), result.vector.end(),
                       [](const VectorSample& a, const VectorSample& b) { return a.labels < b.labels; });
    }
    return result;
  }

  result.type = ResultType::Matrix;
  std::map<model::LabelSet, std::vector<Point>> series;
  while (ev.next(t, vec)) {
    for (auto& s : vec) series[s.labels].push_back(Point{t, s.v});
  }
  if (!ev.status().ok()) return ev.status().status_error();
  result.matrix.reserve(series.size());
  for (auto& [labels, points] : series) result.matrix.push_back(Series{labels, std::move(points)});
  return result;
}

}  // namespace logql
