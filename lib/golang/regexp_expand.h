// ExpandTemplate: a template in the syntax of Go's regexp.Expand (relabel's `replacement` and
// `target_label`, Prometheus' reReplaceAll), compiled once against its regex so that expanding it
// is a walk over literal pieces and capture-group indices.
//
// Go's rules, which Prometheus inherits: `$$` is a literal `$`; `$name` takes the longest run of
// letters, digits and `_` (so `$1x` names the group "1x", not group 1 followed by "x");
// `${name}` delimits it; a name made of digits (no leading zero) is a group number; an unknown
// name, a number past the last group or a group that did not participate expands to nothing;
// a `$` that starts no valid reference is kept as a literal `$`.
//
// Thread-safe: immutable after compile().
#pragma once

#include <re2/re2.h>

#include <string>
#include <string_view>
#include <vector>

namespace golang {

class ExpandTemplate {
 public:
  ExpandTemplate() = default;
  // Never fails: malformed references are literal text, as in Go.
  static ExpandTemplate compile(std::string_view text, const RE2& regex);

  // Capture groups needed to expand this template, counting group 0 (the whole match).
  int groups_needed() const { return groups_needed_; }
  // True when the template references no group (its expansion is a constant).
  bool is_constant() const { return groups_needed_ == 0; }
  const std::string& text() const { return text_; }

  // Appends the expansion. `groups[i]` is capture group i (a null data() means it did not
  // participate); `ngroups` may exceed groups_needed().
  void expand_to(std::string& out, const re2::StringPiece* groups, int ngroups) const;

 private:
  struct Piece {
    std::string literal;  // emitted first
    int group = -1;       // then this capture group, if >= 0
  };
  std::string text_;
  std::vector<Piece> pieces_;
  int groups_needed_ = 0;
};

}  // namespace golang
