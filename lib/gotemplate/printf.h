// Go's fmt package for template values: Sprintf's verbs, flags, width and precision, and
// Sprint/Sprintln's spacing rules, including Go's in-band error forms ("%!d(string=x)").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gotemplate/value.h"

namespace gotemplate {

void go_sprintf(std::string& out, std::string_view format, const std::vector<Value>& args, size_t first_arg = 0);
// fmt.Sprint: a space between operands when neither is a string.
void go_sprint(std::string& out, const std::vector<Value>& args);
// fmt.Sprintln: spaces between all operands and a trailing newline.
void go_sprintln(std::string& out, const std::vector<Value>& args);

}  // namespace gotemplate
