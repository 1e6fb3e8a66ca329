// Internal to the LogQL parser: the recursive-descent state shared by parser.cpp (expressions,
// aggregations, binary operators) and parse_pipeline.cpp (selectors, pipeline stages, label
// filters, log ranges). Errors are thrown as ParseFailure and turned into util::Error by
// logql::parse; they never escape the public API. One instance per parse; not thread-safe.
#pragma once

#include <cstdint>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logql/ast.h"
#include "logql/lexer.h"

namespace logql::detail {

struct ParseFailure {
  static constexpr size_t kNoPosition = SIZE_MAX;  // Loki's semantic errors carry no position
  size_t offset;
  std::string message;
};

class Parser {
 public:
  Parser(std::string_view query, std::vector<Token> tokens) : query_(query), toks_(std::move(tokens)) {}

  // Whole query; checks that everything was consumed.
  ast::Expr parse_query();
  // A bare selector and nothing else.
  std::vector<ast::Matcher> parse_selector_only();

 private:
  // ---- token cursor ----
  const Token& peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool at(Tok k) const { return peek().kind == k; }
  bool at_keyword(std::string_view kw, size_t ahead = 0) const;
  bool accept(Tok k) {
    if (!at(k)) return false;
    next();
    return true;
  }
  const Token& expect(Tok k, std::string_view expecting);
  [[noreturn]] void unexpected(std::string_view expecting) const;
  [[noreturn]] void fail_at(size_t offset, std::string message) const;
  // Errors Loki raises while building the AST rather than while reading tokens (invalid
  // parameters, leg types, matchers): Loki prints them without a position ("parse error : ...").
  [[noreturn]] void fail_semantic(std::string message) const { fail_at(ParseFailure::kNoPosition, std::move(message)); }
  // A NUMBER token's value; Go's ParseFloat refuses values out of range, and so does Loki.
  double number_value(const Token& t, std::string_view what) const;
  ast::Pos pos_of(size_t offset) const;

  // ---- expressions (parser.cpp) ----
  ast::Expr parse_expr(int min_prec);
  ast::Expr parse_operand();
  ast::Expr parse_function(const Token& name);
  ast::Expr parse_range_aggregation(const Token& name, ast::RangeOp op);
  ast::Expr parse_vector_aggregation(const Token& name, ast::VectorOp op);
  ast::Expr parse_label_replace(const Token& name);
  ast::Expr parse_vector(const Token& name);
  ast::Grouping parse_grouping();
  std::vector<std::string> parse_label_list();  // `(a, b)` including the parens
  ast::Expr make_binary(ast::BinOp op, bool return_bool,
                        std::optional<ast::VectorMatching> matching, ast::Expr lhs, ast::Expr rhs);
  ast::Expr expect_metric(ast::Expr e, std::string_view context);

  // ---- selectors, pipelines, ranges (parse_pipeline.cpp) ----
  ast::LogSelector parse_selector();
  ast::Matcher parse_matcher();
  // Appends stages while the next tokens form one; stops before `| unwrap` and anything else.
  void parse_pipeline(std::vector<ast::Stage>& stages);
  void parse_line_filter(std::vector<ast::Stage>& stages);
  ast::Stage parse_pipe_stage();
  std::vector<ast::ExtractionParam> parse_extraction_params();
  std::vector<ast::LabelSelection> parse_label_selections();
  ast::LabelFilter parse_label_filter(int min_prec);
  ast::LabelFilter parse_label_filter_primary();
  bool at_label_filter_start() const;
  ast::Unwrap parse_unwrap();
  ast::LogRange parse_log_range();
  void parse_range_tail(ast::LogRange& r, bool& have_range);
  void check_selector(const ast::LogSelector& s) const;

  std::string_view query_;
  std::vector<Token> toks_;
  size_t pos_ = 0;

  // The parser, the printer and the evaluator all recurse on the tree: a query nested (or
  // chained) deeper than this is refused rather than allowed to exhaust a thread's stack.
  static constexpr int kMaxDepth = 1000;  // about 2 MB of stack in the parser (8 MB threads)
  int depth_ = 0;
  // Counts one more level while alive; `extra` levels already built at this one (a chain of
  // binary operators nests its left operand once per operator) count too.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) { p_.enter(1); }
    ~DepthGuard() { p_.depth_ -= 1 + extra_; }
    void one_more() {
      ++extra_;
      p_.enter(1);
    }

   private:
    Parser& p_;
    int extra_ = 0;
  };
  void enter(int levels);
};

}  // namespace logql::detail
