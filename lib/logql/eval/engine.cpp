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
  StepTimes times(StepRange{p.start, p.end, p.step});
  for (int64_t t = 0; times.next(t);) s.points.push_back(Point{t, value});
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

util::Result<StepEvaluatorPtr> new_step_evaluator(const ast::Expr& expr, const StepRange& observed, LogSource& source) {
  // Only aggregations know which series they output; others' operands are not their result.
  const bool aggregation =
      std::holds_alternative<ast::RangeAggregation>(expr.node) || std::holds_alternative<ast::VectorAggregation>(expr.node);
  StepRange unobserved;
  if (!aggregation && observed.on_new_series) {
    unobserved = observed;
    unobserved.on_new_series = nullptr;
  }
  const StepRange& range = aggregation || !observed.on_new_series ? observed : unobserved;
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

std::string max_series_message(uint64_t limit) {
  return "maximum number of series (" + std::to_string(limit) +
         ") reached for a single query; consider reducing query cardinality by adding more specific stream "
         "selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()";
}

std::string max_result_bytes_message(uint64_t limit) {
  return "the query result would hold more than " + std::to_string(limit) +
         " bytes (max_query_result_bytes); consider a smaller limit, a shorter time range or fewer series";
}

namespace {

// Per step of a metric query: the query's cancellation, and the series and bytes its result
// holds so far against their limits. Evaluation stops at the first step past one.
class StepGuard {
 public:
  explicit StepGuard(const QueryParams& p) : p_(p) {}
  util::Status check_step() const {
    if (p_.cancel) return p_.cancel->check();
    return {};
  }
  util::Status add_series(const model::LabelSet& labels, size_t total_series) {
    if (p_.max_series != 0 && total_series > p_.max_series) return util::invalid_argument(max_series_message(p_.max_series));
    for (const auto& l : labels) bytes_ += l.name.size() + l.value.size();
    return check_bytes();
  }
  util::Status add_points(size_t n) {
    bytes_ += n * sizeof(Point);
    return check_bytes();
  }

 private:
  util::Status check_bytes() const {
    if (p_.max_result_bytes != 0 && bytes_ > p_.max_result_bytes) {
      return util::too_large(max_result_bytes_message(p_.max_result_bytes));
    }
    return {};
  }
  const QueryParams& p_;
  uint64_t bytes_ = 0;
};

}  // namespace

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
  range.cancel = params.cancel;
  range.pipeline = pipeline_options_of(params);
  uint64_t result_series = 0;
  if (params.max_series != 0) {
    range.on_new_series = [&result_series, limit = params.max_series](const model::LabelSet&) -> util::Status {
      if (++result_series > limit) return util::invalid_argument(max_series_message(limit));
      return {};
    };
  }
  auto ev_or = new_step_evaluator(expr, range, source);
  if (!ev_or.ok()) return ev_or.status_error();
  StepEvaluator& ev = **ev_or;

  QueryResult result;
  SampleVector vec;
  int64_t t = 0;
  StepGuard guard(params);
  if (instant) {
    result.type = ResultType::Vector;
    if (ev.next(t, vec)) {
      for (auto& s : vec) {
        if (auto st = guard.add_series(s.labels, result.vector.size() + 1); !st.ok()) return st.status_error();
        result.vector.push_back(VectorSample{std::move(s.labels), Point{params.start, s.v}});
      }
    }
    if (!ev.status().ok()) return ev.status().status_error();
    if (auto st = guard.check_step(); !st.ok()) return st.status_error();
    if (!uses_vector_op(expr, {ast::VectorOp::Sort, ast::VectorOp::SortDesc})) {
      std::stable_sort(result.vector.begin(), result.vector.end(),
                       [](const VectorSample& a, const VectorSample& b) { return a.labels < b.labels; });
    }
    return result;
  }

  result.type = ResultType::Matrix;
  std::map<model::LabelSet, std::vector<Point>> series;
  while (ev.next(t, vec)) {
    for (auto& s : vec) {
      auto [it, fresh] = series.try_emplace(s.labels);
      if (fresh) {
        if (auto st = guard.add_series(s.labels, series.size()); !st.ok()) return st.status_error();
      }
      it->second.push_back(Point{t, s.v});
    }
    if (auto st = guard.add_points(vec.size()); !st.ok()) return st.status_error();
    if (auto st = guard.check_step(); !st.ok()) return st.status_error();
  }
  if (!ev.status().ok()) return ev.status().status_error();
  if (auto st = guard.check_step(); !st.ok()) return st.status_error();
  result.matrix.reserve(series.size());
  for (auto& [labels, points] : series) result.matrix.push_back(Series{labels, std::move(points)});
  return result;
}

}  // namespace logql
