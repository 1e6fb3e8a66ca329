#include "logql/log/parser_hints.h"

#include <algorithm>

#include "logql/log/labels_builder.h"

namespace logql::log {

namespace {

}  // namespace

void append_filter_label_names(const ast::LabelFilter& f, std::vector<std::string>& out) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::BinaryLabelFilter>) {
          if (n.lhs) append_filter_label_names(*n.lhs, out);
          if (n.rhs) append_filter_label_names(*n.rhs, out);
        } else if constexpr (std::is_same_v<T, ast::StringLabelFilter>) {
          out.push_back(n.matcher.name);
        } else {
          out.push_back(n.name);
        }
      },
      f.node);
}

namespace {

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Loki's appendLabelHints: a parser does not know yet that a key will clash with a stream label
// and become `x_extracted`, so a required `x_extracted` also requires `x`.
void append_hint(std::vector<std::string>& out, const std::string& name) {
  out.push_back(name);
  if (name.size() > kDuplicateSuffix.size() && name.ends_with(kDuplicateSuffix))
    out.push_back(name.substr(0, name.size() - kDuplicateSuffix.size()));
}

}  // namespace

bool ParserHints::should_extract(std::string_view name) const {
  if (required.empty()) return true;
  return std::find(required.begin(), required.end(), name) != required.end();
}

bool ParserHints::may_want_underscored() const {
  if (required.empty()) return !no_labels;
  for (const auto& r : required)
    if (r.find('_') != std::string::npos) return true;
  return false;
}

bool ParserHints::should_extract_prefix(std::string_view prefix) const {
  if (required.empty()) return true;
  for (const auto& r : required)
    if (std::string_view(r).starts_with(prefix)) return true;
  return false;
}

void append_template_fields(std::string_view t, std::vector<std::string>& out) {
  size_t i = 0;
  while ((i = t.find("{{", i)) != std::string_view::npos) {
    i += 2;
    size_t end = t.find("}}", i);
    if (end == std::string_view::npos) end = t.size();
    while (i < end) {
      char c = t[i];
      if (c == '"' || c == '`' || c == '\'') {  // skip literals
        char q = c;
        for (++i; i < end && t[i] != q; ++i)
          if (t[i] == '\\' && q != '`') ++i;
        ++i;
        continue;
      }
      if (c == '.' && (i == 0 || !ident_char(t[i - 1])) && i + 1 < end && ident_char(t[i + 1]) &&
          !(t[i + 1] >= '0' && t[i + 1] <= '9')) {
        size_t s = ++i;
        while (i < end && ident_char(t[i])) ++i;
        out.emplace_back(t.substr(s, i - s));
        continue;
      }
      ++i;
    }
    i = end;
  }
}

void append_required_label_names(const ast::Stage& stage, std::vector<std::string>& out) {
  if (const auto* f = std::get_if<ast::LabelFilterStage>(&stage)) {
    append_filter_label_names(f->filter, out);
  } else if (const auto* lf = std::get_if<ast::LineFormat>(&stage)) {
    append_template_fields(lf->tmpl, out);
  } else if (const auto* lf = std::get_if<ast::LabelFormat>(&stage)) {
    for (const auto& item : lf->items) {
      if (item.is_template) {
        append_template_fields(item.value, out);
      } else {
        out.push_back(item.value);
      }
    }
  }
  // Parsers, line filters, drop and keep require nothing (as in Loki).
}

ParserHints make_parser_hints(const std::vector<ast::Stage>& stages, const std::vector<ast::LabelFilter>& post_filters,
                              const std::vector<std::string>& groups, bool without, bool no_labels,
                              std::string_view unwrap_label) {
  std::vector<std::string> stage_names;
  for (const auto& st : stages) append_required_label_names(st, stage_names);
  for (const auto& f : post_filters) append_filter_label_names(f, stage_names);
  std::vector<std::string> hints;
  for (const auto& n : stage_names) append_hint(hints, n);
  for (const auto& n : groups) append_hint(hints, n);
  if (!unwrap_label.empty()) append_hint(hints, std::string(unwrap_label));
  std::sort(hints.begin(), hints.end());
  hints.erase(std::unique(hints.begin(), hints.end()), hints.end());

  ParserHints h;
  // Without a `by` grouping every label may end up in the result: no hints.
  if (!no_labels && (without || groups.empty())) return h;
  if (no_labels && hints.empty()) {
    h.no_labels = true;
    return h;
  }
  h.preserve_error = std::find(hints.begin(), hints.end(), kErrorLabel) != hints.end();
  h.required = std::move(hints);
  if (!h.may_want_underscored())
    for (const auto& r : h.required) h.logfmt_keys.emplace_back(r + "=");
  return h;
}

}  // namespace logql::log
