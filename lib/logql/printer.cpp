// Placeholder until the printer lands; keeps the tree linking.
#include "logql/printer.h"

namespace logql {

std::string print(const ast::Expr&) { return "<printer not implemented>"; }
std::string print(const ast::LogSelector&) { return "<printer not implemented>"; }
std::string print_matchers(const std::vector<ast::Matcher>&) { return "<printer not implemented>"; }
std::string prettify(const ast::Expr& e) { return print(e); }

}  // namespace logql
