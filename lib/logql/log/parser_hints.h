// ParserHints: which labels the parsers of a metric query must extract, as Loki's ParserHint.
// In `sum by (status) (rate({app="foo"} | json [5m]))` only `status` matters, so `| json` can skip
// every other key and stop walking the line once `status` is found; this is what keeps metric
// queries from building a unique label set per entry. Log queries never have hints (every label
// is part of the result). Immutable once built; shared by every stream of a query.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "logql/ast.h"
#include "util/substring_finder.h"

namespace logql::log {

inline constexpr std::string_view kPreserveErrorLabel = "__error_preserve__";

struct ParserHints {
  // Labels the rest of the query reads; empty means "extract everything".
  std::vector<std::string> required;
  // Parsers do nothing at all (`sum(count_over_time({...} | json [1m]))`): no label is needed,
  // so no parse error can be observed either.
  bool no_labels = false;
  // `__error__` is required (grouped by or filtered on): a parse error then also sets
  // `__error_preserve__="true"`, so the range aggregation keeps the series instead of failing.
  bool preserve_error = false;
  // When no required name holds '_' (so only a key spelled exactly like one can give it): a
  // finder of "name=" for each, with which `| logfmt` skips lines that cannot give any.
  std::vector<util::SubstringFinder> logfmt_keys;

  bool active() const { return no_labels || !required.empty(); }
  bool should_extract(std::string_view name) const;
  // True when some required label starts with `prefix` (nested JSON objects worth descending).
  bool should_extract_prefix(std::string_view prefix) const;
  // Whether some wanted label could contain '_' (everything is wanted without hints).
  bool may_want_underscored() const;
};

// Loki's NewParserHint: `groups`/`without`/`no_labels` are the sample extractor's grouping
// (after an outer `sum` pushed its grouping down), `unwrap_label` the unwrapped label or empty,
// `post_filters` the label filters after unwrap.
ParserHints make_parser_hints(const std::vector<ast::Stage>& stages, const std::vector<ast::LabelFilter>& post_filters,
                              const std::vector<std::string>& groups, bool without, bool no_labels,
                              std::string_view unwrap_label);

// The label names a stage reads (Loki's RequiredLabelNames): label filters their labels,
// label_format renames their sources, templates the fields they reference. Appends to `out`.
void append_required_label_names(const ast::Stage& stage, std::vector<std::string>& out);
void append_filter_label_names(const ast::LabelFilter& filter, std::vector<std::string>& out);

// Field names a Go template references as `.name` (Loki's listNodeFields, by a lexical scan of
// the actions: string literals are skipped, so `{{ .a | printf ".b" }}` yields only `a`).
void append_template_fields(std::string_view tmpl, std::vector<std::string>& out);

}  // namespace logql::log
