// Placeholder until the parser lands (owned by the parser work); keeps the tree linking.
#include "logql/parser.h"

namespace logql {

util::Result<ast::Expr> parse(std::string_view) { return util::Error{"parser not implemented yet"}; }
util::Result<std::vector<ast::Matcher>> parse_matchers(std::string_view) {
  return util::Error{"parser not implemented yet"};
}

}  // namespace logql
