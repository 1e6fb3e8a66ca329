// Parser for Go's text/template syntax (text/template/parse), producing a Tree. Checks what Go
// checks at parse time: unknown functions, undefined variables, misplaced else/end/break.
// Errors read like Go's: `template: line:1: function "foo" not defined`.
#pragma once

#include <memory>
#include <string_view>

#include "gotemplate/function_set.h"
#include "gotemplate/node.h"
#include "util/result.h"

namespace gotemplate {

util::Result<std::unique_ptr<Tree>> parse_tree(std::string_view name, std::string_view text,
                                               FunctionSet functions = FunctionSet::kLoki);

}  // namespace gotemplate
