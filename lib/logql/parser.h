// LogQL parser: query text -> validated AST. Errors name the line and column and what was
// expected, in Loki's shape: "parse error at line 1, col 12: syntax error: unexpected ..., expecting ...".
#pragma once

#include <string_view>
#include <vector>

#include "logql/ast.h"
#include "util/result.h"

namespace logql {

// Parses and validates a whole query (log or metric). Also accepts `<app="x">` for `{app="x"}`.
// Validation follows Loki: a selector needs a matcher that does not match the empty string,
// regexes must compile, unwrap only inside range aggregations, grouping/unwrap allowed only on the
// aggregations that support them, and so on.
util::Result<ast::Expr> parse(std::string_view query);

// Parses a bare stream selector (`{a="b", c=~"d"}`), as `match[]` parameters and logtail's
// `match` stage selector use. Validated like a query's selector.
util::Result<std::vector<ast::Matcher>> parse_matchers(std::string_view selector);

}  // namespace logql
