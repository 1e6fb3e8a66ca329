// The LogQL abstract syntax tree, as produced by logql::parse and consumed by the printer, the
// pipeline compiler and the evaluator. Plain data: no behaviour beyond construction.
//
// Shape (Loki 3.x): an Expr is either a log query (LogSelector) or a metric query (range
// aggregation, vector aggregation, binary operation, literal, vector(), label_replace).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace logql::ast {

// Where a node starts in the query text; 1-based, columns in bytes.
struct Pos {
  int line = 1;
  int col = 1;
};

// ---- Stream selector -------------------------------------------------------------------------

enum class MatchOp { Eq, Neq, Re, Nre };  // = != =~ !~

// `name op "value"`. Regex values are fully anchored when evaluated, as in Prometheus.
struct Matcher {
  std::string name;
  MatchOp op = MatchOp::Eq;
  std::string value;
};

// ---- Pipeline stages -------------------------------------------------------------------------

enum class LineFilterOp {
  Contains,     // |=
  NotContains,  // !=
  Regex,        // |~
  NotRegex,     // !~
  Pattern,      // |>
  NotPattern,   // !>
};

// One line filter: `|= "a"`, or with alternatives `|= "a" or "b"`, or an IP filter `|= ip("10.0.0.0/8")`.
struct LineFilter {
  LineFilterOp op = LineFilterOp::Contains;
  std::vector<std::string> values;  // one or more; more than one means `or`
  bool ip = false;                  // values are ip("...") arguments (only with |= and !=)
};

enum class CmpOp { Eq, Neq, Gt, Gte, Lt, Lte };  // == or =, !=, >, >=, <, <=

// A label filter expression: a tree of leaves joined with `and` (also written `,` or a space) and `or`.
struct LabelFilter;
using LabelFilterPtr = std::unique_ptr<LabelFilter>;

struct StringLabelFilter {  // status="200", level=~"err.*"
  Matcher matcher;
};
struct NumericLabelFilter {  // status >= 500, size == 1.5
  std::string name;
  CmpOp op = CmpOp::Eq;
  double value = 0;
};
struct DurationLabelFilter {  // latency > 250ms
  std::string name;
  CmpOp op = CmpOp::Eq;
  int64_t value_ns = 0;
};
struct BytesLabelFilter {  // size > 20KB
  std::string name;
  CmpOp op = CmpOp::Eq;
  uint64_t value = 0;
};
struct IpLabelFilter {  // addr = ip("192.168.0.0/16"); op is Eq or Neq
  std::string name;
  CmpOp op = CmpOp::Eq;
  std::string pattern;
};
struct BinaryLabelFilter {
  bool is_and = true;  // false: or
  LabelFilterPtr lhs, rhs;
};

struct LabelFilter {
  std::variant<StringLabelFilter, NumericLabelFilter, DurationLabelFilter, BytesLabelFilter, IpLabelFilter,
               BinaryLabelFilter>
      node;
};

// `label="expression"` extraction parameter of json/logfmt; `label` alone means expression == label.
struct ExtractionParam {
  std::string label;
  std::string expression;
};

struct JsonParser {  // | json   | json a="b.c", d
  std::vector<ExtractionParam> params;
};
struct LogfmtParser {  // | logfmt   | logfmt --strict --keep-empty a="b"
  bool strict = false;
  bool keep_empty = false;
  std::vector<ExtractionParam> params;
};
struct RegexpParser {  // | regexp "(?P<name>...)"
  std::string regex;
};
struct PatternParser {  // | pattern "<ip> - <_> <status>"
  std::string pattern;
};
struct UnpackParser {};  // | unpack
struct LineFormat {      // | line_format "{{.a}}"
  std::string tmpl;
};
// One `dst=src` rename or `dst="{{template}}"` of label_format.
struct LabelFormatItem {
  std::string dst;
  std::string value;  // a label name when rename, else template text
  bool is_template = false;
};
struct LabelFormat {
  std::vector<LabelFormatItem> items;
};
struct LabelFilterStage {  // | status >= 500 and level="error"
  LabelFilter filter;
};
// One element of drop/keep: a bare name, or a name with a matcher (`level="debug"`).
struct LabelSelection {
  std::string name;
  std::optional<Matcher> matcher;  // matcher->name == name when present
};
struct DropLabels {  // | drop a, b="c"
  std::vector<LabelSelection> labels;
};
struct KeepLabels {  // | keep a, b="c"
  std::vector<LabelSelection> labels;
};
struct Decolorize {};  // | decolorize

using Stage = std::variant<LineFilter, JsonParser, LogfmtParser, RegexpParser, PatternParser, UnpackParser,
                           LineFormat, LabelFormat, LabelFilterStage, DropLabels, KeepLabels, Decolorize>;

// ---- Log query ------------------------------------------------------------------------------

// `{matchers...} stages...`
struct LogSelector {
  Pos pos;
  std::vector<Matcher> matchers;
  std::vector<Stage> stages;
};

// ---- Metric queries ---------------------------------------------------------------------------

enum class UnwrapConversion { None, Duration, DurationSeconds, Bytes };

// `| unwrap [conv(]label[)] [| label filters...]`, only valid at the end of a range's pipeline.
struct Unwrap {
  std::string label;
  UnwrapConversion conversion = UnwrapConversion::None;
  std::vector<LabelFilter> post_filters;  // filters after unwrap, typically `| __error__=""`
};

// `{...} | stages [| unwrap x] [5m] [offset 1h]`
struct LogRange {
  LogSelector selector;
  std::optional<Unwrap> unwrap;
  int64_t range_ns = 0;
  int64_t offset_ns = 0;
};

enum class RangeOp {
  Rate,
  RateCounter,
  CountOverTime,
  BytesRate,
  BytesOverTime,
  AbsentOverTime,
  SumOverTime,
  AvgOverTime,
  MinOverTime,
  MaxOverTime,
  StddevOverTime,
  StdvarOverTime,
  QuantileOverTime,
  FirstOverTime,
  LastOverTime,
};

// `by (a, b)` / `without (a)`; `by ()` is valid and groups everything together.
struct Grouping {
  bool without = false;
  std::vector<std::string> labels;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct RangeAggregation {  // count_over_time({...}[5m]), quantile_over_time(0.99, {...} | unwrap x [5m]) by (a)
  RangeOp op = RangeOp::CountOverTime;
  LogRange range;
  std::optional<double> param;  // quantile φ
  std::optional<Grouping> grouping;
};

// ApproxTopk: Loki 3.3's approx_topk, instant queries only; evaluated exactly (see docs/logql.md).
enum class VectorOp { Sum, Avg, Min, Max, Stddev, Stdvar, Count, Topk, Bottomk, Sort, SortDesc, ApproxTopk };

struct VectorAggregation {  // sum by (a) (...), topk(5, ...)
  VectorOp op = VectorOp::Sum;
  ExprPtr inner;
  std::optional<Grouping> grouping;
  std::optional<int64_t> param;  // k for topk/bottomk
};

enum class BinOp { Or, And, Unless, Add, Sub, Mul, Div, Mod, Pow, Eq, Neq, Gt, Gte, Lt, Lte };

enum class Cardinality { OneToOne, ManyToOne /* group_left */, OneToMany /* group_right */ };

// `on (a) group_left (b)`, `ignoring (c)`.
struct VectorMatching {
  bool on = false;  // true: on(labels); false: ignoring(labels)
  std::vector<std::string> labels;
  Cardinality card = Cardinality::OneToOne;
  std::vector<std::string> include;  // extra labels of group_left/group_right
};

struct BinaryExpr {
  BinOp op = BinOp::Add;
  bool return_bool = false;  // comparison with `bool`
  std::optional<VectorMatching> matching;
  ExprPtr lhs, rhs;
};

struct Literal {  // 42, -1.5, 1e3
  double value = 0;
};

struct VectorLiteral {  // vector(1)
  double value = 0;
};

struct LabelReplace {  // label_replace(expr, "dst", "replacement", "src", "regex")
  ExprPtr inner;
  std::string dst, replacement, src, regex;
};

struct Expr {
  Pos pos;
  std::variant<LogSelector, RangeAggregation, VectorAggregation, BinaryExpr, Literal, VectorLiteral, LabelReplace>
      node;

  bool is_log_query() const { return std::holds_alternative<LogSelector>(node); }
};

}  // namespace logql::ast
