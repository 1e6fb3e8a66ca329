// Executes a parsed template tree against one log entry (text/template's exec.go semantics,
// with Loki's options: `.` is the map of labels and a missing label reads as "" like
// missingkey=zero on a map[string]string).
#pragma once

#include <string>

#include "gotemplate/node.h"
#include "util/result.h"

namespace gotemplate {

class Context;

// Appends the output to `out`. On error `out` may hold partial output, as with Go's Execute;
// the message reads like Go's: `template: line:1:2: executing "line" at <div 1 0>: error
// calling div: runtime error: integer divide by zero`.
util::Status execute_tree(const Tree& tree, const Context& ctx, std::string& out);

}  // namespace gotemplate
