// Loki's String() and Prettify() forms of the LogQL AST (pkg/logql/syntax: ast.go, prettier.go,
// log/label_filter.go). Stateless; thread-safe.
#include "logql/printer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "golang/duration.h"
#include "golang/quote.h"
#include "model/time.h"

namespace logql {

namespace {

using golang::quote;

constexpr size_t kMaxCharsPerLine = 100;  // Loki's prettier threshold
// The threshold of the prettify() call running on this thread (tests use Loki's test value, 20).
thread_local size_t max_chars_per_line = kMaxCharsPerLine;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Shortest round-trip digits and decimal exponent: v = 0.d1d2... * 10^(exp+1) = d1.d2... * 10^exp.
void shortest_digits(double v, std::string& digits, int& exp) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, res.ptr - buf);
  size_t e = s.find('e');
  digits.clear();
  for (char c : s.substr(0, e))
    if (c >= '0' && c <= '9') digits += c;
  exp = std::atoi(std::string(s.substr(e + 1)).c_str());
}

std::string special_float(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

// strconv.FormatFloat(v, 'f', -1, 64).
std::string format_float_fixed(double v) {
  if (!std::isfinite(v)) return special_float(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  std::string digits;
  int exp;
  shortest_digits(std::fabs(v), digits, exp);
  std::string out = v < 0 ? "-" : "";
  int point = exp + 1;  // digits before the decimal point
  if (point <= 0) {
    out += "0." + std::string(-point, '0') + digits;
  } else if (point >= static_cast<int>(digits.size())) {
    out += digits + std::string(point - digits.size(), '0');
  } else {
    out += digits.substr(0, point) + "." + digits.substr(point);
  }
  return out;
}

std::string percent_f(double v) {
  if (!std::isfinite(v)) return special_float(v);
  char buf[512];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

std::string join(const std::vector<std::string>& xs, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i) out += sep;
    out += xs[i];
  }
  return out;
}

std::string indent(int level) { return std::string(2 * static_cast<size_t>(level), ' '); }

const char* match_op(ast::MatchOp op) {
  switch (op) {
    case ast::MatchOp::Eq: return "=";
    case ast::MatchOp::Neq: return "!=";
    case ast::MatchOp::Re: return "=~";
    case ast::MatchOp::Nre: return "!~";
  }
  return "?";
}

const char* cmp_op(ast::CmpOp op) {
  switch (op) {
    case ast::CmpOp::Eq: return "==";
    case ast::CmpOp::Neq: return "!=";
    case ast::CmpOp::Gt: return ">";
    case ast::CmpOp::Gte: return ">=";
    case ast::CmpOp::Lt: return "<";
    case ast::CmpOp::Lte: return "<=";
  }
  return "?";
}

const char* line_filter_op(ast::LineFilterOp op) {
  switch (op) {
    case ast::LineFilterOp::Contains: return "|=";
    case ast::LineFilterOp::NotContains: return "!=";
    case ast::LineFilterOp::Regex: return "|~";
    case ast::LineFilterOp::NotRegex: return "!~";
    case ast::LineFilterOp::Pattern: return "|>";
    case ast::LineFilterOp::NotPattern: return "!>";
  }
  return "?";
}

const char* range_op(ast::RangeOp op) {
  switch (op) {
    case ast::RangeOp::Rate: return "rate";
    case ast::RangeOp::RateCounter: return "rate_counter";
    case ast::RangeOp::CountOverTime: return "count_over_time";
    case ast::RangeOp::BytesRate: return "bytes_rate";
    case ast::RangeOp::BytesOverTime: return "bytes_over_time";
    case ast::RangeOp::AbsentOverTime: return "absent_over_time";
    case ast::RangeOp::SumOverTime: return "sum_over_time";
    case ast::RangeOp::AvgOverTime: return "avg_over_time";
    case ast::RangeOp::MinOverTime: return "min_over_time";
    case ast::RangeOp::MaxOverTime: return "max_over_time";
    case ast::RangeOp::StddevOverTime: return "stddev_over_time";
    case ast::RangeOp::StdvarOverTime: return "stdvar_over_time";
    case ast::RangeOp::QuantileOverTime: return "quantile_over_time";
    case ast::RangeOp::FirstOverTime: return "first_over_time";
    case ast::RangeOp::LastOverTime: return "last_over_time";
  }
  return "?";
}

const char* vector_op(ast::VectorOp op) {
  switch (op) {
    case ast::VectorOp::Sum: return "sum";
    case ast::VectorOp::Avg: return "avg";
    case ast::VectorOp::Min: return "min";
    case ast::VectorOp::Max: return "max";
    case ast::VectorOp::Stddev: return "stddev";
    case ast::VectorOp::Stdvar: return "stdvar";
    case ast::VectorOp::Count: return "count";
    case ast::VectorOp::Topk: return "topk";
    case ast::VectorOp::Bottomk: return "bottomk";
    case ast::VectorOp::Sort: return "sort";
    case ast::VectorOp::SortDesc: return "sort_desc";
    case ast::VectorOp::ApproxTopk: return "approx_topk";
  }
  return "?";
}


// go-humanize's form as Loki prints it; falls back to plain bytes when that form would not parse
// back to the same value (humanize rounds to one decimal), so that printing never changes a query.
std::string format_bytes_exact(uint64_t n) {
  std::string s = model::format_bytes(n);
  auto back = model::parse_bytes(s);
  if (back.ok() && back.value() == n) return s;
  return std::to_string(n) + "B";
}

std::string grouping_string(const ast::Grouping& g) {
  return std::string(g.without ? " without " : " by ") + "(" + join(g.labels, ",") + ")";
}

std::string grouping_pretty(const std::optional<ast::Grouping>& g) {
  if (!g) return "";
  std::string s;
  if (g->without) {
    s += " without";
  } else if (!g->labels.empty()) {
    s += " by";
  }
  if (!g->labels.empty()) s += " (" + join(g->labels, ", ") + ")";
  return s;
}

std::string unwrap_head(const ast::Unwrap& u) {
  switch (u.conversion) {
    case ast::UnwrapConversion::None: return "| unwrap " + u.label;
    case ast::UnwrapConversion::Duration: return "| unwrap duration(" + u.label + ")";
    case ast::UnwrapConversion::DurationSeconds: return "| unwrap duration_seconds(" + u.label + ")";
    case ast::UnwrapConversion::Bytes: return "| unwrap bytes(" + u.label + ")";
  }
  return "";
}

std::string extraction_params(const std::vector<ast::ExtractionParam>& params) {
  std::vector<std::string> xs;
  for (const auto& p : params) xs.push_back(p.label + "=" + golang::quote(p.expression));
  return join(xs, ",");
}

std::string label_selections(const std::vector<ast::LabelSelection>& sels) {
  std::vector<std::string> xs;
  for (const auto& s : sels) xs.push_back(s.matcher ? print(*s.matcher) : s.name);
  return join(xs, ",");
}

std::string binary_op_string(const ast::BinaryExpr& b) {
  std::string op = bin_op_symbol(b.op);
  if (b.return_bool) op += " bool";
  if (b.matching) {
    const auto& m = *b.matching;
    std::string group;
    if (m.card == ast::Cardinality::ManyToOne) group = "group_left";
    if (m.card == ast::Cardinality::OneToMany) group = "group_right";
    if (!m.include.empty()) group += " (" + join(m.include, ",") + ")";
    // Loki omits `ignoring ()`, which would also drop a group_left; we keep it so nothing is lost.
    if (m.on || !m.labels.empty() || m.card != ast::Cardinality::OneToOne) {
      op += std::string(m.on ? " on (" : " ignoring (") + join(m.labels, ",") + ") " + group;
    }
  }
  return op;
}

std::string binary_op_pretty(const ast::BinaryExpr& b) {
  std::string op = bin_op_symbol(b.op);
  if (b.return_bool) op += " bool";
  if (b.matching) {
    const auto& m = *b.matching;
    std::string group;
    if (m.card == ast::Cardinality::ManyToOne) group = "group_left";
    if (m.card == ast::Cardinality::OneToMany) group = "group_right";
    if (!m.include.empty()) group += " (" + join(m.include, ", ") + ")";
    if (!m.labels.empty() || m.card != ast::Cardinality::OneToOne) {
      op += std::string(m.on ? " on (" : " ignoring (") + join(m.labels, ", ") + ") " + group;
    }
  }
  return op;
}

// ---- Prettify --------------------------------------------------------------------------------

bool fits(const std::string& s) { return s.size() <= max_chars_per_line; }

// Loki nests consecutive line filters into one chain whose Pretty() keeps the longest prefix
// that fits on one line and puts each remaining filter on its own line.
std::string pretty_line_filters(const std::vector<const ast::Stage*>& chain, size_t n, int level) {
  std::string whole;
  for (size_t i = 0; i < n; ++i) whole += (i ? " " : "") + print(*chain[i]);
  if (fits(whole)) return indent(level) + whole;
  std::string s;
  if (n > 1) s = pretty_line_filters(chain, n - 1, level) + "\n";
  return s + indent(level) + print(*chain[n - 1]);
}

std::string pretty_selector(const ast::LogSelector& sel, int level) {
  std::string one = print(sel);
  if (sel.stages.empty() || fits(one)) return indent(level) + one;
  std::string s = indent(level) + print_matchers(sel.matchers) + "\n";
  std::vector<std::string> parts;
  for (size_t i = 0; i < sel.stages.size();) {
    if (std::holds_alternative<ast::LineFilter>(sel.stages[i])) {
      std::vector<const ast::Stage*> chain;
      while (i < sel.stages.size() && std::holds_alternative<ast::LineFilter>(sel.stages[i])) chain.push_back(&sel.stages[i++]);
      parts.push_back(pretty_line_filters(chain, chain.size(), level + 1));
    } else if (std::holds_alternative<ast::Decolorize>(sel.stages[i])) {
      parts.push_back(print(sel.stages[i++]));  // Loki's DecolorizeExpr.Pretty ignores the level
    } else {
      parts.push_back(indent(level + 1) + print(sel.stages[i++]));
    }
  }
  return s + join(parts, "\n");
}

std::string pretty_log_range(const ast::LogRange& r, int level) {
  std::string s = pretty_selector(r.selector, level);
  if (r.unwrap) {
    s += "\n" + indent(level + 1) + unwrap_head(*r.unwrap);
    for (const auto& f : r.unwrap->post_filters) s += "\n" + indent(level + 1) + "| " + print(f);
  }
  s += " [" + model::format_duration_prometheus(r.range_ns) + "]";
  if (r.offset_ns != 0) s += " offset " + model::format_duration_prometheus(r.offset_ns);
  return s;
}

std::string pretty(const ast::Expr& e, int level) {
  std::string one = print(e);
  if (fits(one)) return indent(level) + one;
  return std::visit(
      Overloaded{
          [&](const ast::LogSelector& s) { return pretty_selector(s, level); },
          [&](const ast::RangeAggregation& a) {
            std::string s = indent(level) + range_op(a.op) + "(\n";
            if (a.param) s += indent(level + 1) + format_float_go(*a.param) + ",\n";
            s += pretty_log_range(a.range, level + 1) + "\n" + indent(level) + ")";
            if (a.grouping) s += grouping_pretty(a.grouping);
            return s;
          },
          [&](const ast::VectorAggregation& a) {
            std::vector<std::string> params;
            if (a.param) params.push_back(indent(level + 1) + std::to_string(*a.param));
            params.push_back(pretty(*a.inner, level + 1));
            std::string s = indent(level) + vector_op(a.op) + grouping_pretty(a.grouping) + "(\n";
            s += join(params, ",\n") + "\n" + indent(level) + ")";
            return s;
          },
          [&](const ast::BinaryExpr& b) {
            return pretty(*b.lhs, level + 1) + "\n" + indent(level) + binary_op_pretty(b) + "\n" +
                   pretty(*b.rhs, level + 1);
          },
          [&](const ast::LabelReplace& lr) {
            std::vector<std::string> params = {pretty(*lr.inner, level + 1),
                                               indent(level + 1) + golang::quote(lr.dst),
                                               indent(level + 1) + golang::quote(lr.replacement),
                                               indent(level + 1) + golang::quote(lr.src),
                                               indent(level + 1) + golang::quote(lr.regex)};
            return indent(level) + "label_replace(\n" + join(params, ",\n") + "\n" + indent(level) + ")";
          },
          [&](const auto&) { return indent(level) + one; },
      },
      e.node);
}

}  // namespace

std::string format_float_go(double v) {
  if (!std::isfinite(v)) return special_float(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  std::string digits;
  int exp;
  shortest_digits(std::fabs(v), digits, exp);
  if (exp < -4 || exp >= 21) {
    std::string out = v < 0 ? "-" : "";
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return out + e;
  }
  return format_float_fixed(v);
}

const char* bin_op_symbol(ast::BinOp op) {
  switch (op) {
    case ast::BinOp::Or: return "or";
    case ast::BinOp::And: return "and";
    case ast::BinOp::Unless: return "unless";
    case ast::BinOp::Add: return "+";
    case ast::BinOp::Sub: return "-";
    case ast::BinOp::Mul: return "*";
    case ast::BinOp::Div: return "/";
    case ast::BinOp::Mod: return "%";
    case ast::BinOp::Pow: return "^";
    case ast::BinOp::Eq: return "==";
    case ast::BinOp::Neq: return "!=";
    case ast::BinOp::Gt: return ">";
    case ast::BinOp::Gte: return ">=";
    case ast::BinOp::Lt: return "<";
    case ast::BinOp::Lte: return "<=";
  }
  return "?";
}

std::string print(const ast::Matcher& m) { return m.name + match_op(m.op) + golang::quote(m.value); }

std::string print_matchers(const std::vector<ast::Matcher>& matchers) {
  std::vector<std::string> xs;
  for (const auto& m : matchers) xs.push_back(print(m));
  return "{" + join(xs, ", ") + "}";
}

std::string print(const ast::LabelFilter& f) {
  return std::visit(
      Overloaded{
          [](const ast::StringLabelFilter& s) { return print(s.matcher); },
          [](const ast::NumericLabelFilter& n) { return n.name + cmp_op(n.op) + format_float_fixed(n.value); },
          [](const ast::DurationLabelFilter& d) {
            return d.name + cmp_op(d.op) + golang::format_duration(d.value_ns);
          },
          [](const ast::BytesLabelFilter& b) { return b.name + cmp_op(b.op) + format_bytes_exact(b.value); },
          [](const ast::IpLabelFilter& ip) {
            return ip.name + (ip.op == ast::CmpOp::Neq ? "!=" : "=") + "ip(" + golang::quote(ip.pattern) + ")";
          },
          [](const ast::BinaryLabelFilter& b) {
            return "( " + print(*b.lhs) + (b.is_and ? " , " : " or ") + print(*b.rhs) + " )";
          },
      },
      f.node);
}

std::string print(const ast::Stage& stage) {
  return std::visit(
      Overloaded{
          [](const ast::LineFilter& f) {
            std::string s = std::string(line_filter_op(f.op)) + " ";
            for (size_t i = 0; i < f.values.size(); ++i) {
              if (i) s += " or ";
              s += f.ip ? "ip(" + golang::quote(f.values[i]) + ")" : golang::quote(f.values[i]);
            }
            return s;
          },
          [](const ast::JsonParser& p) {
            return p.params.empty() ? std::string("| json") : "| json " + extraction_params(p.params);
          },
          [](const ast::LogfmtParser& p) {
            if (p.params.empty()) {
              return std::string("| logfmt") + (p.strict ? " --strict" : "") + (p.keep_empty ? " --keep-empty" : "");
            }
            return std::string("| logfmt ") + (p.strict ? "--strict " : "") + (p.keep_empty ? "--keep-empty " : "") +
                   extraction_params(p.params);
          },
          [](const ast::RegexpParser& p) { return "| regexp " + golang::quote(p.regex); },
          [](const ast::PatternParser& p) { return "| pattern " + golang::quote(p.pattern); },
          [](const ast::UnpackParser&) { return std::string("| unpack"); },
          [](const ast::LineFormat& f) { return "| line_format " + golang::quote(f.tmpl); },
          [](const ast::LabelFormat& f) {
            std::vector<std::string> xs;
            for (const auto& it : f.items) xs.push_back(it.dst + "=" + (it.is_template ? golang::quote(it.value) : it.value));
            return "| label_format " + join(xs, ",");
          },
          [](const ast::LabelFilterStage& f) { return "| " + print(f.filter); },
          [](const ast::DropLabels& d) { return "| drop " + label_selections(d.labels); },
          [](const ast::KeepLabels& k) { return "| keep " + label_selections(k.labels); },
          [](const ast::Decolorize&) { return std::string("| decolorize"); },
      },
      stage);
}

std::string print(const ast::LogSelector& selector) {
  std::string s = print_matchers(selector.matchers);
  for (const auto& st : selector.stages) s += " " + print(st);
  return s;
}

std::string print(const ast::LogRange& r) {
  std::string s = print(r.selector);
  if (r.unwrap) {
    s += " " + unwrap_head(*r.unwrap);
    for (const auto& f : r.unwrap->post_filters) s += " | " + print(f);
  }
  s += "[" + model::format_duration_prometheus(r.range_ns) + "]";
  if (r.offset_ns != 0) s += " offset " + golang::format_duration(r.offset_ns);
  return s;
}

std::string print(const ast::Expr& expr) {
  return std::visit(
      Overloaded{
          [](const ast::LogSelector& s) { return print(s); },
          [](const ast::RangeAggregation& a) {
            std::string s = std::string(range_op(a.op)) + "(";
            if (a.param) s += format_float_fixed(*a.param) + ",";
            s += print(a.range) + ")";
            if (a.grouping) s += grouping_string(*a.grouping);
            return s;
          },
          [](const ast::VectorAggregation& a) {
            std::string s = vector_op(a.op);
            if (a.grouping && (a.grouping->without || !a.grouping->labels.empty())) s += grouping_string(*a.grouping);
            s += "(";
            if (a.param) s += std::to_string(*a.param) + ",";
            return s + print(*a.inner) + ")";
          },
          [](const ast::BinaryExpr& b) {
            return "(" + print(*b.lhs) + " " + binary_op_string(b) + " " + print(*b.rhs) + ")";
          },
          [](const ast::Literal& l) { return format_float_go(l.value); },
          [](const ast::VectorLiteral& v) { return "vector(" + percent_f(v.value) + ")"; },
          [](const ast::LabelReplace& lr) {
            return "label_replace(" + print(*lr.inner) + "," + golang::quote(lr.dst) + "," +
                   golang::quote(lr.replacement) + "," + golang::quote(lr.src) + "," + golang::quote(lr.regex) +
                   ")";
          },
      },
      expr.node);
}

std::string prettify(const ast::Expr& expr) { return prettify(expr, kMaxCharsPerLine); }

std::string prettify(const ast::Expr& expr, size_t max_chars) {
  size_t saved = max_chars_per_line;
  max_chars_per_line = max_chars;
  std::string out = pretty(expr, 0);
  max_chars_per_line = saved;
  return out;
}

}  // namespace logql
