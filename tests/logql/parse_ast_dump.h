// Test helper: an exhaustive, unambiguous dump of a LogQL AST (every field, floats in hex), so
// tests can compare two trees structurally without relying on the printer under test.
#pragma once

#include <cstdio>
#include <string>

#include "logql/ast.h"

namespace logql::testing {

inline std::string hex(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%a", v);
  return b;
}

inline std::string dump(const ast::Matcher& m) {
  return "M(" + m.name + "," + std::to_string(static_cast<int>(m.op)) + "," + m.value + ")";
}

inline std::string dump(const ast::LabelFilter& f);

inline std::string dump(const std::vector<std::string>& xs) {
  std::string s = "[";
  for (const auto& x : xs) s += x + ";";
  return s + "]";
}

inline std::string dump(const ast::LabelFilter& f) {
  return std::visit(
      [](const auto& n) -> std::string {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::StringLabelFilter>) return "S" + dump(n.matcher);
        if constexpr (std::is_same_v<T, ast::NumericLabelFilter>)
          return "N(" + n.name + std::to_string(static_cast<int>(n.op)) + hex(n.value) + ")";
        if constexpr (std::is_same_v<T, ast::DurationLabelFilter>)
          return "D(" + n.name + std::to_string(static_cast<int>(n.op)) + std::to_string(n.value_ns) + ")";
        if constexpr (std::is_same_v<T, ast::BytesLabelFilter>)
          return "B(" + n.name + std::to_string(static_cast<int>(n.op)) + std::to_string(n.value) + ")";
        if constexpr (std::is_same_v<T, ast::IpLabelFilter>)
          return "I(" + n.name + std::to_string(static_cast<int>(n.op)) + n.pattern + ")";
        if constexpr (std::is_same_v<T, ast::BinaryLabelFilter>)
          return std::string(n.is_and ? "AND(" : "OR(") + dump(*n.lhs) + "," + dump(*n.rhs) + ")";
      },
      f.node);
}

inline std::string dump_params(const std::vector<ast::ExtractionParam>& ps) {
  std::string s;
  for (const auto& p : ps) s += p.label + "=" + p.expression + ";";
  return s;
}

inline std::string dump_sel(const std::vector<ast::LabelSelection>& ls) {
  std::string s;
  for (const auto& l : ls) s += l.name + (l.matcher ? dump(*l.matcher) : "") + ";";
  return s;
}

inline std::string dump(const ast::Stage& st) {
  return std::visit(
      [](const auto& n) -> std::string {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::LineFilter>)
          return "LF(" + std::to_string(static_cast<int>(n.op)) + (n.ip ? "ip" : "") + dump(n.values) + ")";
        if constexpr (std::is_same_v<T, ast::JsonParser>) return "json(" + dump_params(n.params) + ")";
        if constexpr (std::is_same_v<T, ast::LogfmtParser>)
          return "logfmt(" + std::to_string(n.strict) + std::to_string(n.keep_empty) + dump_params(n.params) + ")";
        if constexpr (std::is_same_v<T, ast::RegexpParser>) return "regexp(" + n.regex + ")";
        if constexpr (std::is_same_v<T, ast::PatternParser>) return "pattern(" + n.pattern + ")";
        if constexpr (std::is_same_v<T, ast::UnpackParser>) return "unpack";
        if constexpr (std::is_same_v<T, ast::LineFormat>) return "line_format(" + n.tmpl + ")";
        if constexpr (std::is_same_v<T, ast::LabelFormat>) {
          std::string s = "label_format(";
          for (const auto& i : n.items) s += i.dst + "=" + i.value + (i.is_template ? "T;" : "R;");
          return s + ")";
        }
        if constexpr (std::is_same_v<T, ast::LabelFilterStage>) return "LBL(" + dump(n.filter) + ")";
        if constexpr (std::is_same_v<T, ast::DropLabels>) return "drop(" + dump_sel(n.labels) + ")";
        if constexpr (std::is_same_v<T, ast::KeepLabels>) return "keep(" + dump_sel(n.labels) + ")";
        if constexpr (std::is_same_v<T, ast::Decolorize>) return "decolorize";
      },
      st);
}

inline std::string dump(const ast::LogSelector& s) {
  std::string out = "SEL(";
  for (const auto& m : s.matchers) out += dump(m);
  out += "|";
  for (const auto& st : s.stages) out += dump(st) + " ";
  return out + ")";
}

inline std::string dump(const std::optional<ast::Grouping>& g) {
  if (!g) return "";
  return std::string(g->without ? "without" : "by") + dump(g->labels);
}

inline std::string dump(const ast::Expr& e) {
  return std::visit(
      [](const auto& n) -> std::string {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::LogSelector>) return dump(n);
        if constexpr (std::is_same_v<T, ast::RangeAggregation>) {
          std::string s = "RANGE" + std::to_string(static_cast<int>(n.op)) + "(" + dump(n.range.selector);
          if (n.range.unwrap) {
            s += "unwrap(" + n.range.unwrap->label + std::to_string(static_cast<int>(n.range.unwrap->conversion));
            for (const auto& f : n.range.unwrap->post_filters) s += dump(f);
            s += ")";
          }
          s += std::to_string(n.range.range_ns) + "," + std::to_string(n.range.offset_ns);
          if (n.param) s += ",p" + hex(*n.param);
          return s + ")" + dump(n.grouping);
        }
        if constexpr (std::is_same_v<T, ast::VectorAggregation>)
          return "VEC" + std::to_string(static_cast<int>(n.op)) + (n.param ? std::to_string(*n.param) : "") + "(" +
                 dump(*n.inner) + ")" + dump(n.grouping);
        if constexpr (std::is_same_v<T, ast::BinaryExpr>) {
          std::string s = "BIN" + std::to_string(static_cast<int>(n.op)) + (n.return_bool ? "bool" : "");
          if (n.matching)
            s += std::string(n.matching->on ? "on" : "ign") + dump(n.matching->labels) +
                 std::to_string(static_cast<int>(n.matching->card)) + dump(n.matching->include);
          return s + "(" + dump(*n.lhs) + "," + dump(*n.rhs) + ")";
        }
        if constexpr (std::is_same_v<T, ast::Literal>) return "LIT" + hex(n.value);
        if constexpr (std::is_same_v<T, ast::VectorLiteral>) return "VECTOR" + hex(n.value);
        if constexpr (std::is_same_v<T, ast::LabelReplace>)
          return "LR(" + dump(*n.inner) + "," + n.dst + "," + n.replacement + "," + n.src + "," + n.regex + ")";
      },
      e.node);
}

}  // namespace logql::testing
