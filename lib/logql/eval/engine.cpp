// Placeholder until the evaluator lands; keeps the tree linking.
#include "logql/eval/engine.h"

namespace logql {

util::Result<QueryResult> evaluate(const ast::Expr&, const QueryParams&, LogSource&) {
  return util::Error{"evaluator not implemented yet"};
}

}  // namespace logql
