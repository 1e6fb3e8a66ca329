// Canonical LogQL text for an AST, so that parse(print(e)) is the same tree.
#pragma once

#include <string>

#include "logql/ast.h"

namespace logql {

// One line, Loki's String() form: `{app="x"} |= "a" | json | status >= 500`.
std::string print(const ast::Expr& expr);
std::string print(const ast::LogSelector& selector);
std::string print_matchers(const std::vector<ast::Matcher>& matchers);  // `{a="b", c=~"d"}`

// Loki's format_query / `logcli fmt` form: short queries on one line, long ones broken over
// indented lines as Loki's Prettify does.
std::string prettify(const ast::Expr& expr);

}  // namespace logql
