// Expression level of the LogQL parser: binary operators (Prometheus precedence), aggregations,
// literals and functions. Selectors, pipelines and log ranges live in parse_pipeline.cpp.
#include "logql/parser.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <strings.h>

#include "golang/strconv.h"
#include "logql/parse_state.h"
#include "logql/validate.h"
#include "logql/printer.h"
#include "golang/quote.h"
#include "util/strings.h"

namespace logql {

namespace detail {

namespace {

struct NamedRangeOp {
  const char* name;
  ast::RangeOp op;
};
constexpr NamedRangeOp kRangeOps[] = {
    {"rate", ast::RangeOp::Rate},
    {"rate_counter", ast::RangeOp::RateCounter},
    {"count_over_time", ast::RangeOp::CountOverTime},
    {"bytes_rate", ast::RangeOp::BytesRate},
    {"bytes_over_time", ast::RangeOp::BytesOverTime},
    {"absent_over_time", ast::RangeOp::AbsentOverTime},
    {"sum_over_time", ast::RangeOp::SumOverTime},
    {"avg_over_time", ast::RangeOp::AvgOverTime},
    {"min_over_time", ast::RangeOp::MinOverTime},
    {"max_over_time", ast::RangeOp::MaxOverTime},
    {"stddev_over_time", ast::RangeOp::StddevOverTime},
    {"stdvar_over_time", ast::RangeOp::StdvarOverTime},
    {"quantile_over_time", ast::RangeOp::QuantileOverTime},
    {"first_over_time", ast::RangeOp::FirstOverTime},
    {"last_over_time", ast::RangeOp::LastOverTime},
};

struct NamedVectorOp {
  const char* name;
  ast::VectorOp op;
};
constexpr NamedVectorOp kVectorOps[] = {
    {"sum", ast::VectorOp::Sum},       {"avg", ast::VectorOp::Avg},         {"min", ast::VectorOp::Min},
    {"max", ast::VectorOp::Max},       {"stddev", ast::VectorOp::Stddev},   {"stdvar", ast::VectorOp::Stdvar},
    {"count", ast::VectorOp::Count},   {"topk", ast::VectorOp::Topk},       {"bottomk", ast::VectorOp::Bottomk},
    {"sort", ast::VectorOp::Sort},     {"sort_desc", ast::VectorOp::SortDesc},
    {"approx_topk", ast::VectorOp::ApproxTopk},
};

const char* range_op_name(ast::RangeOp op) {
  for (const auto& r : kRangeOps)
    if (r.op == op) return r.name;
  return "?";
}

// Prometheus precedence, lowest first; -1 when the token is not a binary operator.
int binop_precedence(const Token& t, ast::BinOp& op) {
  switch (t.kind) {
    case Tok::Identifier:
      if (util::iequals(t.text, "or")) return op = ast::BinOp::Or, 1;
      if (util::iequals(t.text, "and")) return op = ast::BinOp::And, 2;
      if (util::iequals(t.text, "unless")) return op = ast::BinOp::Unless, 2;
      return -1;
    case Tok::CmpEq: return op = ast::BinOp::Eq, 3;
    case Tok::Neq: return op = ast::BinOp::Neq, 3;
    case Tok::Gt: return op = ast::BinOp::Gt, 3;
    case Tok::Gte: return op = ast::BinOp::Gte, 3;
    case Tok::Lt: return op = ast::BinOp::Lt, 3;
    case Tok::Lte: return op = ast::BinOp::Lte, 3;
    case Tok::Add: return op = ast::BinOp::Add, 4;
    case Tok::Sub: return op = ast::BinOp::Sub, 4;
    case Tok::Mul: return op = ast::BinOp::Mul, 5;
    case Tok::Div: return op = ast::BinOp::Div, 5;
    case Tok::Mod: return op = ast::BinOp::Mod, 5;
    case Tok::Pow: return op = ast::BinOp::Pow, 6;
    default: return -1;
  }
}

// Loki folds `literal op literal` at parse time (MergeBinOp without filtering).
double fold(ast::BinOp op, double l, double r) {
  switch (op) {
    case ast::BinOp::Add: return l + r;
    case ast::BinOp::Sub: return l - r;
    case ast::BinOp::Mul: return l * r;
    case ast::BinOp::Div: return r == 0 ? std::nan("") : l / r;
    case ast::BinOp::Mod: return r == 0 ? std::nan("") : std::fmod(l, r);
    case ast::BinOp::Pow: return std::pow(l, r);
    case ast::BinOp::Eq: return l == r ? 1 : 0;
    case ast::BinOp::Neq: return l != r ? 1 : 0;
    case ast::BinOp::Gt: return l > r ? 1 : 0;
    case ast::BinOp::Gte: return l >= r ? 1 : 0;
    case ast::BinOp::Lt: return l < r ? 1 : 0;
    case ast::BinOp::Lte: return l <= r ? 1 : 0;
    default: return 0;
  }
}

std::string go_percent_f(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

const char* log_expr_type(const ast::Expr& e) {
  return std::get<ast::LogSelector>(e.node).stages.empty() ? "*syntax.MatchersExpr" : "*syntax.PipelineExpr";
}

}  // namespace

bool Parser::at_keyword(std::string_view kw, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == Tok::Identifier && util::iequals(t.text, kw);
}

const Token& Parser::expect(Tok k, std::string_view expecting) {
  if (!at(k)) unexpected(expecting);
  return next();
}

void Parser::unexpected(std::string_view expecting) const {
  std::string msg = "syntax error: unexpected " + describe_token(peek());
  if (peek().kind == Tok::Identifier) msg += " \"" + peek().text + "\"";
  if (!expecting.empty()) msg += ", expecting " + std::string(expecting);
  fail_at(peek().offset, std::move(msg));
}

void Parser::fail_at(size_t offset, std::string message) const { throw ParseFailure{offset, std::move(message)}; }

double Parser::number_value(const Token& t, std::string_view what) const {
  // Loki reads every NUMBER with strconv.ParseFloat: hex only as a float with a 'p' exponent.
  auto v = golang::parse_float(t.text);
  if (!v.ok()) fail_semantic("unable to parse " + std::string(what) + ": " + v.error());
  return *v;
}

ast::Pos Parser::pos_of(size_t offset) const {
  LineCol lc = line_col(query_, offset);
  return ast::Pos{lc.line, lc.byte_col};
}

ast::Expr Parser::parse_query() {
  ast::Expr e = parse_expr(0);
  if (!at(Tok::End)) {
    unexpected(e.is_log_query() ? "|, a line filter or $end" : "a binary operator or $end");
  }
  return e;
}

std::vector<ast::Matcher> Parser::parse_selector_only() {
  ast::LogSelector s = parse_selector();
  if (!at(Tok::End)) unexpected("$end");
  return std::move(s.matchers);
}

void Parser::enter(int levels) {
  depth_ += levels;
  if (depth_ > kMaxDepth) {
    fail_semantic("query is nested too deeply (more than " + std::to_string(kMaxDepth) +
                  " levels of parentheses, functions or chained operators)");
  }
}

ast::Expr Parser::parse_expr(int min_prec) {
  DepthGuard guard(*this);
  ast::Expr lhs = parse_operand();
  while (true) {
    ast::BinOp op;
    int prec = binop_precedence(peek(), op);
    if (prec < 0 || prec < min_prec) break;
    next();
    bool return_bool = false;
    if (at_keyword("bool")) {
      next();
      return_bool = true;
    }
    std::optional<ast::VectorMatching> matching;
    if (at_keyword("on") || at_keyword("ignoring")) {
      ast::VectorMatching vm;
      vm.on = at_keyword("on");
      next();
      vm.labels = parse_label_list();
      if (at_keyword("group_left") || at_keyword("group_right")) {
        vm.card = at_keyword("group_left") ? ast::Cardinality::ManyToOne : ast::Cardinality::OneToMany;
        next();
        if (at(Tok::LParen)) vm.include = parse_label_list();
      }
      // `ignoring ()` without grouping changes nothing; Loki prints it as no modifier at all.
      if (vm.on || !vm.labels.empty() || vm.card != ast::Cardinality::OneToOne) matching = std::move(vm);
    }
    ast::Expr rhs = parse_expr(op == ast::BinOp::Pow ? prec : prec + 1);
    lhs = make_binary(op, return_bool, std::move(matching), std::move(lhs), std::move(rhs));
    guard.one_more();
  }
  return lhs;
}

ast::Expr Parser::make_binary(ast::BinOp op, bool return_bool,
                              std::optional<ast::VectorMatching> matching, ast::Expr lhs, ast::Expr rhs) {
  std::string name = bin_op_symbol(op);
  if (lhs.is_log_query())
    fail_semantic("unexpected type for left leg of binary operation (" + name + "): " + log_expr_type(lhs));
  if (rhs.is_log_query())
    fail_semantic("unexpected type for right leg of binary operation (" + name + "): " + log_expr_type(rhs));
  auto* l = std::get_if<ast::Literal>(&lhs.node);
  auto* r = std::get_if<ast::Literal>(&rhs.node);
  if (op == ast::BinOp::Or || op == ast::BinOp::And || op == ast::BinOp::Unless) {
    if (l)
      fail_semantic("unexpected literal for left leg of logical/set binary operation (" + name +
                             "): " + go_percent_f(l->value));
    if (r)
      fail_semantic("unexpected literal for right leg of logical/set binary operation (" + name +
                             "): " + go_percent_f(r->value));
  }
  ast::Expr out;
  out.pos = lhs.pos;
  if (l && r) {
    out.node = ast::Literal{fold(op, l->value, r->value)};
    return out;
  }
  ast::BinaryExpr b;
  b.op = op;
  b.return_bool = return_bool;
  b.matching = std::move(matching);
  b.lhs = std::make_unique<ast::Expr>(std::move(lhs));
  b.rhs = std::make_unique<ast::Expr>(std::move(rhs));
  out.node = std::move(b);
  return out;
}

ast::Expr Parser::parse_operand() {
  const Token& t = peek();
  ast::Expr e;
  e.pos = pos_of(t.offset);
  switch (t.kind) {
    case Tok::LParen: {
      next();
      ast::Expr inner = parse_expr(0);
      expect(Tok::RParen, inner.is_log_query() ? "|, a line filter or )" : "a binary operator or )");
      return inner;
    }
    case Tok::LBrace:
    case Tok::Lt: {
      ast::LogSelector s = parse_selector();
      parse_pipeline(s.stages);
      if (at(Tok::Pipe) && at_keyword("unwrap", 1)) unexpected("a pipeline stage (unwrap is only allowed in a range aggregation)");
      if (at(Tok::Range)) unexpected("|, a line filter or $end (a log range needs a range aggregation around it)");
      e.node = std::move(s);
      return e;
    }
    case Tok::Number:
    case Tok::Add:
    case Tok::Sub: {
      bool negative = false;
      if (t.kind != Tok::Number) {
        negative = t.kind == Tok::Sub;
        next();
        if (!at(Tok::Number)) unexpected("NUMBER");
      }
      const Token& num = next();
      double v = number_value(num, "literal as a float");
      e.node = ast::Literal{negative ? -v : v};
      return e;
    }
    case Tok::Identifier: {
      const Token& name = next();
      return parse_function(name);
    }
    default:
      unexpected("{, (, NUMBER or a function");
  }
}

ast::Expr Parser::parse_function(const Token& name) {
  bool call = at(Tok::LParen) || at_keyword("by") || at_keyword("without");
  if (call) {
    for (const auto& r : kRangeOps)
      if (util::iequals(name.text, r.name)) return parse_range_aggregation(name, r.op);
    for (const auto& v : kVectorOps)
      if (util::iequals(name.text, v.name)) return parse_vector_aggregation(name, v.op);
    if (util::iequals(name.text, "label_replace")) return parse_label_replace(name);
    if (util::iequals(name.text, "vector")) return parse_vector(name);
  }
  std::string msg = "syntax error: unexpected IDENTIFIER \"" + name.text + "\", expecting {, (, NUMBER or a function";
  if (call) msg += ": unknown function \"" + name.text + "\"";
  fail_at(name.offset, std::move(msg));
}

std::vector<std::string> Parser::parse_label_list() {
  expect(Tok::LParen, "(");
  std::vector<std::string> labels;
  if (accept(Tok::RParen)) return labels;
  while (true) {
    labels.push_back(expect(Tok::Identifier, "IDENTIFIER").text);
    if (accept(Tok::RParen)) return labels;
    expect(Tok::Comma, ", or )");
  }
}

ast::Grouping Parser::parse_grouping() {
  ast::Grouping g;
  g.without = at_keyword("without");
  next();
  g.labels = parse_label_list();
  return g;
}

ast::Expr Parser::expect_metric(ast::Expr e, std::string_view context) {
  if (e.is_log_query()) {
    fail_at(peek().offset, "syntax error: unexpected " + describe_token(peek()) +
                               ", expecting RANGE or a pipeline stage: " + std::string(context) +
                               " needs a metric query, not a log query");
  }
  return e;
}

ast::Expr Parser::parse_range_aggregation(const Token& name, ast::RangeOp op) {
  ast::RangeAggregation agg;
  agg.op = op;
  std::string opname = range_op_name(op);
  // Loki's grammar only has the grouping after the call; we also accept it before, like vector ops.
  if (at_keyword("by") || at_keyword("without")) agg.grouping = parse_grouping();
  expect(Tok::LParen, "(");
  std::string param_text;
  if (at(Tok::Number) && peek(1).kind == Tok::Comma) {
    param_text = next().text;
    next();
  }
  agg.range = parse_log_range();
  expect(Tok::RParen, ")");
  if (at_keyword("by") || at_keyword("without")) {
    if (agg.grouping) unexpected("a binary operator or $end (grouping given twice)");
    agg.grouping = parse_grouping();
  }
  auto fail = [&](std::string msg) { fail_semantic(std::move(msg)); };
  if (!param_text.empty()) {
    if (op != ast::RangeOp::QuantileOverTime)
      fail("parameter " + param_text + " not supported for operation " + opname);
    auto param = golang::parse_float(param_text);
    if (!param.ok()) fail("invalid parameter for operation " + opname + ": " + param.error());
    agg.param = *param;
  } else if (op == ast::RangeOp::QuantileOverTime) {
    fail("parameter required for operation " + opname);
  }
  using R = ast::RangeOp;
  if (agg.grouping) {
    switch (op) {
      case R::AvgOverTime: case R::StddevOverTime: case R::StdvarOverTime: case R::QuantileOverTime:
      case R::MaxOverTime: case R::MinOverTime: case R::FirstOverTime: case R::LastOverTime:
        break;
      default:
        fail("grouping not allowed for " + opname + " aggregation");
    }
  }
  if (agg.range.unwrap) {
    switch (op) {
      case R::AvgOverTime: case R::SumOverTime: case R::MaxOverTime: case R::MinOverTime:
      case R::StddevOverTime: case R::StdvarOverTime: case R::QuantileOverTime: case R::Rate:
      case R::RateCounter: case R::AbsentOverTime: case R::FirstOverTime: case R::LastOverTime:
        break;
      default:
        fail("invalid aggregation " + opname + " with unwrap");
    }
  } else {
    switch (op) {
      case R::BytesOverTime: case R::BytesRate: case R::CountOverTime: case R::Rate: case R::AbsentOverTime:
        break;
      default:
        fail("invalid aggregation " + opname + " without unwrap");
    }
  }
  ast::Expr e;
  e.pos = pos_of(name.offset);
  e.node = std::move(agg);
  return e;
}

ast::Expr Parser::parse_vector_aggregation(const Token& name, ast::VectorOp op) {
  ast::VectorAggregation agg;
  agg.op = op;
  std::string opname;
  for (const auto& v : kVectorOps)
    if (v.op == op) opname = v.name;
  if (at_keyword("by") || at_keyword("without")) agg.grouping = parse_grouping();
  expect(Tok::LParen, "(");
  std::string param_text;
  if (at(Tok::Number) && peek(1).kind == Tok::Comma) {
    param_text = next().text;
    next();
  }
  ast::Expr inner = expect_metric(parse_expr(0), opname);
  expect(Tok::RParen, "a binary operator or )");
  if (at_keyword("by") || at_keyword("without")) {
    if (agg.grouping) unexpected("a binary operator or $end (grouping given twice)");
    agg.grouping = parse_grouping();
  }
  auto fail = [&](std::string msg) { fail_semantic(std::move(msg)); };
  if (op == ast::VectorOp::Topk || op == ast::VectorOp::Bottomk || op == ast::VectorOp::ApproxTopk) {
    if (param_text.empty()) fail("parameter required for operation " + opname);
    char* end = nullptr;
    long long k = std::strtoll(param_text.c_str(), &end, 10);
    if (end == param_text.c_str() || *end != '\0') fail("invalid parameter " + opname + "(" + param_text + ",");
    if (k <= 0) fail("invalid parameter (must be greater than 0) " + opname + "(" + param_text);
    agg.param = k;
    // Loki rejects any grouping clause here, even `by ()`, after checking k.
    if (op == ast::VectorOp::ApproxTopk && agg.grouping) fail("grouping not allowed for " + opname + " aggregation");
  } else if (!param_text.empty()) {
    fail("unsupported parameter for operation " + opname + "(" + param_text + ",");
  }
  if ((op == ast::VectorOp::Sort || op == ast::VectorOp::SortDesc) && agg.grouping && !agg.grouping->labels.empty())
    fail("sort and sort_desc doesn't allow grouping by ");
  // `by ()` is the same as no grouping (Loki's Singleton) and prints as nothing; keep one form.
  if (agg.grouping && !agg.grouping->without && agg.grouping->labels.empty()) agg.grouping.reset();
  agg.inner = std::make_unique<ast::Expr>(std::move(inner));
  ast::Expr e;
  e.pos = pos_of(name.offset);
  e.node = std::move(agg);
  return e;
}

ast::Expr Parser::parse_label_replace(const Token& name) {
  expect(Tok::LParen, "(");
  ast::LabelReplace lr;
  lr.inner = std::make_unique<ast::Expr>(expect_metric(parse_expr(0), "label_replace"));
  std::string* fields[] = {&lr.dst, &lr.replacement, &lr.src, &lr.regex};
  for (std::string* f : fields) {
    expect(Tok::Comma, ",");
    *f = expect(Tok::String, "STRING").text;
  }
  expect(Tok::RParen, ")");
  if (auto err = check_label_replace_regex(lr.regex)) fail_semantic(*err);
  ast::Expr e;
  e.pos = pos_of(name.offset);
  e.node = std::move(lr);
  return e;
}

ast::Expr Parser::parse_vector(const Token& name) {
  expect(Tok::LParen, "(");
  double v = number_value(expect(Tok::Number, "NUMBER"), "vectorExpr as a float");
  expect(Tok::RParen, ")");
  ast::Expr e;
  e.pos = pos_of(name.offset);
  e.node = ast::VectorLiteral{v};
  return e;
}

}  // namespace detail

util::Result<ast::Expr> parse(std::string_view query) {
  auto tokens = tokenize(query);
  if (!tokens.ok()) return tokens.status_error();
  detail::Parser p(query, std::move(tokens.value()));
  try {
    return p.parse_query();
  } catch (const detail::ParseFailure& f) {
    return util::Error{format_parse_error(query, f.offset, f.message)};
  }
}

util::Result<std::vector<ast::Matcher>> parse_matchers(std::string_view selector) {
  auto tokens = tokenize(selector);
  if (!tokens.ok()) return tokens.status_error();
  detail::Parser p(selector, std::move(tokens.value()));
  try {
    return p.parse_selector_only();
  } catch (const detail::ParseFailure& f) {
    return util::Error{format_parse_error(selector, f.offset, f.message)};
  }
}

}  // namespace logql
