// Semantic checks the LogQL parser applies while building the AST: regexes compile with RE2,
// regexp/pattern parser expressions are usable, and a selector selects something. Messages follow
// Loki's wording; the caller adds the "parse error at ..." prefix. Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logql/ast.h"

namespace logql {

// nullopt when the matcher is valid (regex values compile fully anchored, as Prometheus does).
std::optional<std::string> check_matcher(const ast::Matcher& m);

// True when the matcher also matches an absent label (the empty string), i.e. it does not narrow
// the set of streams by itself.
bool matches_empty(const ast::Matcher& m);

// Loki's rule: at least one matcher must not match the empty string.
std::optional<std::string> check_selector_matchers(const std::vector<ast::Matcher>& matchers);

// An unanchored regex as line filters use it.
std::optional<std::string> check_regex(std::string_view regex);

// `| regexp "..."`: compiles, has at least one capture, every capture a unique valid label name.
std::optional<std::string> check_regexp_parser(std::string_view regex);

// `| pattern "..."`: at least one named capture, no two captures in a row, no duplicate names.
std::optional<std::string> check_pattern_parser(std::string_view pattern);
// `|> "..."` line filter patterns: only require well-formedness (captures may be all `<_>`).
std::optional<std::string> check_pattern_filter(std::string_view pattern);

// label_replace's regex, anchored.
std::optional<std::string> check_label_replace_regex(std::string_view regex);

}  // namespace logql
