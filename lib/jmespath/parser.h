// JMESPath parser: tokens -> syntax tree, a Pratt parser with the binding powers of the
// reference implementation. Not thread-safe (one per parse).
#pragma once

#include <string_view>

#include "jmespath/ast.h"
#include "util/result.h"

namespace jmespath {

util::Result<NodePtr> parse(std::string_view text);

}  // namespace jmespath
