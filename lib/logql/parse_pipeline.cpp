// Log-query level of the LogQL parser: stream selectors (braces or our `<...>` synonym), pipeline
// stages, label filter expressions, unwrap and log ranges.
#include <strings.h>

#include <cstdlib>

#include "logql/parse_state.h"
#include "logql/validate.h"
#include "util/strings.h"

namespace logql::detail {

namespace {

bool is_line_filter_op(Tok k) {
  switch (k) {
    case Tok::PipeExact: case Tok::Neq: case Tok::PipeMatch: case Tok::Nre: case Tok::PipePattern: case Tok::Npa:
      return true;
    default:
      return false;
  }
}

bool is_label_filter_op(Tok k) {
  switch (k) {
    case Tok::Eq: case Tok::Neq: case Tok::Re: case Tok::Nre: case Tok::CmpEq:
    case Tok::Gt: case Tok::Gte: case Tok::Lt: case Tok::Lte:
      return true;
    default:
      return false;
  }
}

bool is_stage_keyword(std::string_view s) {
  for (const char* kw : {"json", "logfmt", "regexp", "pattern", "unpack", "line_format", "label_format", "drop",
                         "keep", "decolorize", "unwrap"})
    if (util::iequals(s, kw)) return true;
  return false;
}

ast::CmpOp cmp_op(Tok k) {
  switch (k) {
    case Tok::Neq: return ast::CmpOp::Neq;
    case Tok::Gt: return ast::CmpOp::Gt;
    case Tok::Gte: return ast::CmpOp::Gte;
    case Tok::Lt: return ast::CmpOp::Lt;
    case Tok::Lte: return ast::CmpOp::Lte;
    default: return ast::CmpOp::Eq;
  }
}

ast::LabelFilter binary(bool is_and, ast::LabelFilter lhs, ast::LabelFilter rhs) {
  ast::BinaryLabelFilter b;
  b.is_and = is_and;
  b.lhs = std::make_unique<ast::LabelFilter>(std::move(lhs));
  b.rhs = std::make_unique<ast::LabelFilter>(std::move(rhs));
  return ast::LabelFilter{std::move(b)};
}

}  // namespace

void Parser::check_selector(const ast::LogSelector& s) const {
  if (auto err = check_selector_matchers(s.matchers)) fail_semantic(*err);
}

ast::LogSelector Parser::parse_selector() {
  bool angle = at(Tok::Lt);
  if (!angle && !at(Tok::LBrace)) unexpected("{");
  size_t offset = next().offset;
  Tok close = angle ? Tok::Gt : Tok::RBrace;
  ast::LogSelector s;
  s.pos = pos_of(offset);
  if (!at(close)) {
    s.matchers.push_back(parse_matcher());
    while (accept(Tok::Comma)) s.matchers.push_back(parse_matcher());
  }
  expect(close, angle ? "> or ," : "} or ,");
  check_selector(s);
  return s;
}

ast::Matcher Parser::parse_matcher() {
  const Token& name = expect(Tok::Identifier, "IDENTIFIER");
  ast::Matcher m;
  m.name = name.text;
  switch (peek().kind) {
    case Tok::Eq: m.op = ast::MatchOp::Eq; break;
    case Tok::Neq: m.op = ast::MatchOp::Neq; break;
    case Tok::Re: m.op = ast::MatchOp::Re; break;
    case Tok::Nre: m.op = ast::MatchOp::Nre; break;
    default: unexpected("=, !=, =~ or !~");
  }
  next();
  m.value = expect(Tok::String, "STRING").text;
  if (auto err = check_matcher(m)) fail_semantic(*err);
  return m;
}

void Parser::parse_pipeline(std::vector<ast::Stage>& stages) {
  while (true) {
    if (is_line_filter_op(peek().kind)) {
      parse_line_filter(stages);
    } else if (at(Tok::Pipe) && !at_keyword("unwrap", 1)) {
      stages.push_back(parse_pipe_stage());
    } else {
      return;
    }
  }
}

void Parser::parse_line_filter(std::vector<ast::Stage>& stages) {
  const Token& op_tok = next();
  ast::LineFilter f;
  switch (op_tok.kind) {
    case Tok::PipeExact: f.op = ast::LineFilterOp::Contains; break;
    case Tok::Neq: f.op = ast::LineFilterOp::NotContains; break;
    case Tok::PipeMatch: f.op = ast::LineFilterOp::Regex; break;
    case Tok::Nre: f.op = ast::LineFilterOp::NotRegex; break;
    case Tok::PipePattern: f.op = ast::LineFilterOp::Pattern; break;
    default: f.op = ast::LineFilterOp::NotPattern; break;
  }
  auto value = [&](bool& is_ip) -> std::string {
    if (at(Tok::String)) {
      is_ip = false;
      return next().text;
    }
    if (at_keyword("ip") && peek(1).kind == Tok::LParen) {
      next();
      next();
      std::string v = expect(Tok::String, "STRING").text;
      expect(Tok::RParen, ")");
      is_ip = true;
      return v;
    }
    unexpected("STRING or ip");
  };
  f.values.push_back(value(f.ip));
  while (at_keyword("or") && (peek(1).kind == Tok::String || (at_keyword("ip", 1) && peek(2).kind == Tok::LParen))) {
    size_t or_offset = next().offset;
    bool is_ip = false;
    f.values.push_back(value(is_ip));
    if (is_ip != f.ip) fail_at(or_offset, "mixing ip() and plain strings in one or-filter is not supported");
  }
  if (f.ip && f.op != ast::LineFilterOp::Contains && f.op != ast::LineFilterOp::NotContains)
    fail_at(op_tok.offset, "ip() line filters only support |= and !=");
  for (const auto& v : f.values) {
    std::optional<std::string> err;
    if (f.op == ast::LineFilterOp::Regex || f.op == ast::LineFilterOp::NotRegex) err = check_regex(v);
    if (f.op == ast::LineFilterOp::Pattern || f.op == ast::LineFilterOp::NotPattern) err = check_pattern_filter(v);
    if (err) fail_at(op_tok.offset, *err);
  }
  bool negated = f.op == ast::LineFilterOp::NotContains || f.op == ast::LineFilterOp::NotRegex ||
                 f.op == ast::LineFilterOp::NotPattern;
  if (negated && f.values.size() > 1) {
    // Loki rewrites `!= "a" or "b"` as `!= "a" != "b"` (not a or b == not a and not b).
    for (auto& v : f.values) stages.push_back(ast::LineFilter{f.op, {std::move(v)}, f.ip});
    return;
  }
  stages.push_back(std::move(f));
}

std::vector<ast::ExtractionParam> Parser::parse_extraction_params() {
  std::vector<ast::ExtractionParam> params;
  if (!at(Tok::Identifier)) return params;
  while (true) {
    ast::ExtractionParam p;
    p.label = expect(Tok::Identifier, "IDENTIFIER").text;
    if (accept(Tok::Eq)) {
      p.expression = expect(Tok::String, "STRING").text;
    } else {
      p.expression = p.label;
    }
    params.push_back(std::move(p));
    if (!accept(Tok::Comma)) return params;
  }
}

std::vector<ast::LabelSelection> Parser::parse_label_selections() {
  std::vector<ast::LabelSelection> out;
  while (true) {
    ast::LabelSelection sel;
    if (at(Tok::Identifier) && is_label_filter_op(peek(1).kind)) {
      ast::Matcher m = parse_matcher();
      sel.name = m.name;
      sel.matcher = std::move(m);
    } else {
      sel.name = expect(Tok::Identifier, "IDENTIFIER").text;
    }
    out.push_back(std::move(sel));
    if (!accept(Tok::Comma)) return out;
  }
}

ast::Stage Parser::parse_pipe_stage() {
  next();  // |
  const Token& t = peek();
  if (t.kind == Tok::Identifier && is_stage_keyword(t.text) && !is_label_filter_op(peek(1).kind)) {
    std::string kw = t.text;
    for (auto& c : kw) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t offset = next().offset;
    if (kw == "json") return ast::JsonParser{parse_extraction_params()};
    if (kw == "logfmt") {
      ast::LogfmtParser p;
      while (at(Tok::Flag)) {
        const Token& flag = next();
        if (flag.text == "--strict") p.strict = true;
        if (flag.text == "--keep-empty") p.keep_empty = true;
      }
      p.params = parse_extraction_params();
      return p;
    }
    if (kw == "regexp") {
      std::string re = expect(Tok::String, "STRING").text;
      if (auto err = check_regexp_parser(re)) fail_at(offset, *err);
      return ast::RegexpParser{std::move(re)};
    }
    if (kw == "pattern") {
      std::string pat = expect(Tok::String, "STRING").text;
      if (auto err = check_pattern_parser(pat)) fail_at(offset, *err);
      return ast::PatternParser{std::move(pat)};
    }
    if (kw == "unpack") return ast::UnpackParser{};
    if (kw == "decolorize") return ast::Decolorize{};
    if (kw == "line_format") return ast::LineFormat{expect(Tok::String, "STRING").text};
    if (kw == "label_format") {
      ast::LabelFormat lf;
      while (true) {
        ast::LabelFormatItem item;
        item.dst = expect(Tok::Identifier, "IDENTIFIER").text;
        expect(Tok::Eq, "=");
        if (at(Tok::String)) {
          item.value = next().text;
          item.is_template = true;
        } else {
          item.value = expect(Tok::Identifier, "IDENTIFIER or STRING").text;
        }
        lf.items.push_back(std::move(item));
        if (!accept(Tok::Comma)) break;
      }
      return lf;
    }
    if (kw == "drop") return ast::DropLabels{parse_label_selections()};
    if (kw == "keep") return ast::KeepLabels{parse_label_selections()};
  }
  if (t.kind == Tok::Identifier || t.kind == Tok::LParen) return ast::LabelFilterStage{parse_label_filter(0)};
  unexpected("a parser, a formatter or a label filter");
}

bool Parser::at_label_filter_start() const {
  return (at(Tok::Identifier) && is_label_filter_op(peek(1).kind)) || at(Tok::LParen);
}

// Mirrors the precedence Loki's yacc grammar ends up with: `or` binds loosest, `and` tighter, and
// `,` or plain juxtaposition take everything to their right (yacc shifts on them).
ast::LabelFilter Parser::parse_label_filter(int min_prec) {
  DepthGuard guard(*this);
  ast::LabelFilter lhs = parse_label_filter_primary();
  if (at(Tok::Comma) || at_label_filter_start()) {
    accept(Tok::Comma);
    lhs = binary(true, std::move(lhs), parse_label_filter(0));
  }
  while (true) {
    if (at_keyword("or") && min_prec <= 1) {
      next();
      lhs = binary(false, std::move(lhs), parse_label_filter(2));
      guard.one_more();
    } else if (at_keyword("and") && min_prec <= 2) {
      next();
      lhs = binary(true, std::move(lhs), parse_label_filter(3));
      guard.one_more();
    } else {
      return lhs;
    }
  }
}

ast::LabelFilter Parser::parse_label_filter_primary() {
  if (accept(Tok::LParen)) {
    ast::LabelFilter f = parse_label_filter(0);
    expect(Tok::RParen, ")");
    return f;
  }
  const Token& name = expect(Tok::Identifier, "IDENTIFIER or (");
  Tok op = peek().kind;
  if (!is_label_filter_op(op)) unexpected("=, !=, =~, !~, ==, >, >=, < or <=");
  next();
  if ((op == Tok::Eq || op == Tok::Neq) && at_keyword("ip") && peek(1).kind == Tok::LParen) {
    next();
    next();
    ast::IpLabelFilter f{name.text, cmp_op(op), expect(Tok::String, "STRING").text};
    expect(Tok::RParen, ")");
    return ast::LabelFilter{std::move(f)};
  }
  if (op == Tok::Eq || op == Tok::Neq || op == Tok::Re || op == Tok::Nre) {
    if (at(Tok::String) || op == Tok::Re || op == Tok::Nre) {
      ast::Matcher m;
      m.name = name.text;
      m.op = op == Tok::Eq ? ast::MatchOp::Eq : op == Tok::Neq ? ast::MatchOp::Neq
                                               : op == Tok::Re ? ast::MatchOp::Re : ast::MatchOp::Nre;
      m.value = expect(Tok::String, "STRING").text;
      if (auto err = check_matcher(m)) fail_semantic(*err);
      return ast::LabelFilter{ast::StringLabelFilter{std::move(m)}};
    }
  }
  ast::CmpOp cmp = cmp_op(op);
  if (at(Tok::Duration)) return ast::LabelFilter{ast::DurationLabelFilter{name.text, cmp, next().duration_ns}};
  if (at(Tok::Bytes)) return ast::LabelFilter{ast::BytesLabelFilter{name.text, cmp, next().bytes}};
  bool negative = false;
  if (at(Tok::Add) || at(Tok::Sub)) {
    if (peek(1).kind != Tok::Number) {
      next();
      unexpected("NUMBER");
    }
    negative = next().kind == Tok::Sub;
  }
  if (!at(Tok::Number)) unexpected(op == Tok::Eq || op == Tok::Neq ? "STRING, NUMBER, DURATION, BYTES or ip"
                                                                   : "NUMBER, DURATION or BYTES");
  double v = number_value(next(), "float");
  return ast::LabelFilter{ast::NumericLabelFilter{name.text, cmp, negative ? -v : v}};
}

ast::Unwrap Parser::parse_unwrap() {
  next();  // |
  next();  // unwrap
  ast::Unwrap u;
  if (at(Tok::Identifier) && peek(1).kind == Tok::LParen) {
    const Token& conv = next();
    if (util::iequals(conv.text, "duration")) {
      u.conversion = ast::UnwrapConversion::Duration;
    } else if (util::iequals(conv.text, "duration_seconds")) {
      u.conversion = ast::UnwrapConversion::DurationSeconds;
    } else if (util::iequals(conv.text, "bytes")) {
      u.conversion = ast::UnwrapConversion::Bytes;
    } else {
      fail_at(conv.offset, "syntax error: unexpected IDENTIFIER \"" + conv.text +
                               "\", expecting bytes, duration or duration_seconds");
    }
    next();
    u.label = expect(Tok::Identifier, "IDENTIFIER").text;
    expect(Tok::RParen, ")");
  } else {
    u.label = expect(Tok::Identifier, "IDENTIFIER").text;
  }
  while (at(Tok::Pipe) && (peek(1).kind == Tok::LParen ||
                           (peek(1).kind == Tok::Identifier && is_label_filter_op(peek(2).kind)))) {
    next();
    u.post_filters.push_back(parse_label_filter(0));
  }
  return u;
}

// Everything after the selector: `[range] [offset] [pipeline] [unwrap]` or
// `[pipeline] [unwrap] [range [offset]]`; the range may be missing only inside parentheses.
void Parser::parse_range_tail(ast::LogRange& r, bool& have_range) {
  auto range_and_offset = [&] {
    r.range_ns = next().duration_ns;
    have_range = true;
    if (at_keyword("offset")) {
      next();
      r.offset_ns = expect(Tok::Duration, "DURATION").duration_ns;
    }
  };
  if (at(Tok::Range)) {
    range_and_offset();
    parse_pipeline(r.selector.stages);
    if (at(Tok::Pipe) && at_keyword("unwrap", 1)) r.unwrap = parse_unwrap();
    return;
  }
  parse_pipeline(r.selector.stages);
  if (at(Tok::Pipe) && at_keyword("unwrap", 1)) r.unwrap = parse_unwrap();
  if (at(Tok::Range)) range_and_offset();
}

ast::LogRange Parser::parse_log_range() {
  ast::LogRange r;
  bool have_range = false;
  if (accept(Tok::LParen)) {
    if (at(Tok::LParen)) {
      r = parse_log_range();
      expect(Tok::RParen, ")");
      return r;
    }
    r.selector = parse_selector();
    parse_range_tail(r, have_range);
    expect(Tok::RParen, have_range ? ")" : "RANGE, | or )");
    if (!have_range) {
      if (!at(Tok::Range)) unexpected("RANGE");
      r.range_ns = next().duration_ns;
      if (at_keyword("offset")) {
        next();
        r.offset_ns = expect(Tok::Duration, "DURATION").duration_ns;
      }
    }
    return r;
  }
  r.selector = parse_selector();
  parse_range_tail(r, have_range);
  if (!have_range) unexpected(r.unwrap ? "RANGE or |" : "RANGE, | or a line filter");
  return r;
}

}  // namespace logql::detail
