// Canonical LogQL text for an AST, so that parse(print(e)) is the same tree.
#pragma once

#include <cstddef>
#include <string>

#include "logql/ast.h"

namespace logql {

// One line, Loki's String() form: `{app="x"} |= "a" | json | status>=500`.
std::string print(const ast::Expr& expr);
std::string print(const ast::LogSelector& selector);
std::string print_matchers(const std::vector<ast::Matcher>& matchers);  // `{a="b", c=~"d"}`
std::string print(const ast::Matcher& matcher);                         // `a=~"b"`
std::string print(const ast::Stage& stage);                             // `| json`, `|= "x"`
std::string print(const ast::LabelFilter& filter);                      // `status>=500`, `( a="b" , c!="d" )`
std::string print(const ast::LogRange& range);                          // `{a="b"} | unwrap x[5m] offset 1h0m0s`

// Go's fmt.Sprint(float64) (`%v`): shortest representation, exponent below 1e-4 and from 1e21.
std::string format_float_go(double v);
// The operator as written in LogQL: "+", "==", "unless", ...
const char* bin_op_symbol(ast::BinOp op);

// Loki's format_query / `logcli fmt` form: short queries on one line, long ones broken over
// indented lines as Loki's Prettify does.
std::string prettify(const ast::Expr& expr);
// Same with another line length limit than Loki's 100 (Loki's own tests use 20).
std::string prettify(const ast::Expr& expr, size_t max_chars_per_line);

}  // namespace logql
