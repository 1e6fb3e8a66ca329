// Literals a regex's matches must contain, so that a cheap substring search can rule lines out
// before RE2 runs (as ripgrep does). The literals come from RE2's own prefilter (FilteredRE2's
// AND/OR tree of "atoms"), reduced to what one or a few searches can use:
//  - one literal every match contains (the longest such), else
//  - a set of literals of which every match contains at least one (`error|warn`),
//  - or nothing, when the regex can match without any literal (`.*`, `[0-9]+`).
// Literals are lowercase and must be searched for ASCII case-insensitively
// (util::SubstringFinder with ascii_case_insensitive).
//
// Correctness over reach: a regex with non-ASCII text or escapes that name code points (\x, \p,
// \P), whose case folding could make ASCII literals out of other characters, gets no literals;
// under a case-insensitive flag, literals are cut at 'k' and 's' (which fold with the Kelvin sign
// and the long s). Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace logql::log {

// Empty: no prefilter (every line must go to RE2). An invalid regex gets none either.
std::vector<std::string> regex_prefilter_literals(std::string_view regex);

}  // namespace logql::log
