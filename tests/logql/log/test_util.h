// Helpers for pipeline tests: build AST stages by hand (independent of the parser module) and
// run one entry through a pipeline.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "logql/ast.h"
#include "logql/log/pipeline.h"
#include "model/labels.h"

namespace logql::log::testing {

inline ast::Stage line_filter(ast::LineFilterOp op, std::vector<std::string> values, bool ip = false) {
  ast::LineFilter f;
  f.op = op;
  f.values = std::move(values);
  f.ip = ip;
  return f;
}
inline ast::Stage json(std::vector<ast::ExtractionParam> params = {}) { return ast::JsonParser{std::move(params)}; }
inline ast::Stage logfmt(bool strict = false, bool keep_empty = false, std::vector<ast::ExtractionParam> params = {}) {
  return ast::LogfmtParser{strict, keep_empty, std::move(params)};
}
inline ast::Stage regexp(std::string re) { return ast::RegexpParser{std::move(re)}; }
inline ast::Stage pattern(std::string p) { return ast::PatternParser{std::move(p)}; }

inline ast::LabelFilter str_filter(std::string name, ast::MatchOp op, std::string value) {
  return ast::LabelFilter{ast::StringLabelFilter{ast::Matcher{std::move(name), op, std::move(value)}}};
}
inline ast::LabelFilter num_filter(std::string name, ast::CmpOp op, double v) {
  return ast::LabelFilter{ast::NumericLabelFilter{std::move(name), op, v}};
}
inline ast::LabelFilter binary(bool is_and, ast::LabelFilter l, ast::LabelFilter r) {
  ast::BinaryLabelFilter b;
  b.is_and = is_and;
  b.lhs = std::make_unique<ast::LabelFilter>(std::move(l));
  b.rhs = std::make_unique<ast::LabelFilter>(std::move(r));
  return ast::LabelFilter{std::move(b)};
}
inline ast::Stage label_filter(ast::LabelFilter f) { return ast::LabelFilterStage{std::move(f)}; }

template <class... S>
std::vector<ast::Stage> stages(S&&... s) {
  std::vector<ast::Stage> v;
  (v.push_back(std::forward<S>(s)), ...);
  return v;
}

struct Outcome {
  bool kept = false;
  std::string line;
  std::string labels;  // `{a="b", ...}`
};

inline Outcome run(const std::vector<ast::Stage>& st, const std::string& stream, const std::string& line,
                   const model::LabelSet& metadata = {}) {
  auto p = Pipeline::compile(st);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error()));
  auto labels = model::parse_label_set(stream);
  REQUIRE(labels.ok());
  auto sp = p->for_stream(*labels);
  Outcome o;
  std::string_view out;
  const ResultLabels* res = nullptr;
  o.kept = sp->process(0, line, metadata, out, res);
  if (o.kept) {
    o.line = std::string(out);
    o.labels = res->labels.to_string();
  }
  return o;
}

inline std::string compile_error(const std::vector<ast::Stage>& st) {
  auto p = Pipeline::compile(st);
  return p.ok() ? std::string("<compiled>") : p.error();
}

}  // namespace logql::log::testing
