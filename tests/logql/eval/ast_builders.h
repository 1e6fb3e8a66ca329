// Small helpers that build LogQL ASTs by hand, so evaluator tests do not depend on the parser.
#pragma once

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "logql/ast.h"
#include "logql/eval/engine.h"
#include "logql/eval/memory_source.h"

namespace evaltest {

using namespace logql;

constexpr int64_t kSec = 1'000'000'000;

inline ast::Matcher eq(std::string name, std::string value) { return {std::move(name), ast::MatchOp::Eq, std::move(value)}; }
inline ast::Matcher op(std::string name, ast::MatchOp o, std::string value) { return {std::move(name), o, std::move(value)}; }

inline ast::ExprPtr wrap(auto node) {
  auto e = std::make_unique<ast::Expr>();
  e->node = std::move(node);
  return e;
}

inline ast::ExprPtr selector(std::vector<ast::Matcher> m) {
  ast::LogSelector s;
  s.matchers = std::move(m);
  return wrap(std::move(s));
}

inline ast::ExprPtr range_agg(ast::RangeOp o, std::vector<ast::Matcher> m, int64_t range_ns, int64_t offset_ns = 0,
                              std::optional<ast::Grouping> grouping = std::nullopt,
                              std::optional<double> param = std::nullopt) {
  ast::RangeAggregation r;
  r.op = o;
  r.range.selector.matchers = std::move(m);
  r.range.range_ns = range_ns;
  r.range.offset_ns = offset_ns;
  r.grouping = std::move(grouping);
  r.param = param;
  return wrap(std::move(r));
}

inline ast::ExprPtr vec_agg(ast::VectorOp o, ast::ExprPtr inner, std::optional<ast::Grouping> grouping = std::nullopt,
                            std::optional<int64_t> param = std::nullopt) {
  ast::VectorAggregation v;
  v.op = o;
  v.inner = std::move(inner);
  v.grouping = std::move(grouping);
  v.param = param;
  return wrap(std::move(v));
}

inline ast::ExprPtr binop(ast::BinOp o, ast::ExprPtr l, ast::ExprPtr r, bool return_bool = false,
                          std::optional<ast::VectorMatching> matching = std::nullopt) {
  ast::BinaryExpr b;
  b.op = o;
  b.lhs = std::move(l);
  b.rhs = std::move(r);
  b.return_bool = return_bool;
  b.matching = std::move(matching);
  return wrap(std::move(b));
}

inline ast::ExprPtr lit(double v) { return wrap(ast::Literal{v}); }

inline ast::Grouping by(std::vector<std::string> l) { return ast::Grouping{false, std::move(l)}; }
inline ast::Grouping without(std::vector<std::string> l) { return ast::Grouping{true, std::move(l)}; }

inline void add(MemorySource& src, const model::LabelSet& ls, int64_t ts, std::string line) {
  src.append(ls, model::Entry{ts, std::move(line), {}});
}

inline QueryParams range_params(int64_t start, int64_t end, int64_t step) {
  QueryParams p;
  p.start = start;
  p.end = end;
  p.step = step;
  return p;
}

inline QueryParams instant_params(int64_t t) {
  QueryParams p;
  p.start = p.end = t;
  p.instant = true;
  return p;
}

}  // namespace evaltest
