// Executes a parsed template tree against one log entry (text/template's exec.go semantics,
// with Loki's options: `.` is the map of labels and a missing label reads as "" like
// missingkey=zero on a map[string]string).
#pragma once

#include <string>

#include "gotemplate/node.h"
#include "gotemplate/template.h"
#include "util/result.h"

namespace gotemplate {


// Appends the output to `out`. On error `out` may hold partial output, as with Go's Execute;
// the message reads like Go's: `template: line:1:2: executing "line" at <div 1 0>: error
// calling div: runtime error: integer divide by zero`.
// `limits` bound the output, every string value and the steps (see ExecLimits).
util::Status execute_tree(const Tree& tree, const Context& ctx, std::string& out, const ExecLimits& limits = {});

// The largest string value the execution running on this thread may build (its
// ExecLimits::max_output_bytes); unbounded outside an execution. Functions whose output can be
// far larger than their input (repeat, indent, replace, printf widths) stop at it.
size_t max_string_bytes();

}  // namespace gotemplate
