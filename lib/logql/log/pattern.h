// Pattern expressions (`<ip> - <_> [<ts>] "<method> <path>"`), as Loki's pattern package
// defines them: literals and `<name>` captures, `<_>` capturing without naming. Used by the
// `| pattern` parser (captures) and the `|>`/`!>` line filters (test only).
// Immutable after compile; match methods are const and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace logql::log {

class PatternMatcher {
 public:
  // For `| pattern`: at least one named capture, no two captures in a row, unique names.
  static util::Result<PatternMatcher> compile_parser(std::string_view pattern);
  // For `|>`: same, but captures are optional.
  static util::Result<PatternMatcher> compile_filter(std::string_view pattern);

  // Fills `out` with the named captures in order; fewer than names() when the line ends early,
  // empty when the line does not start with a leading literal. Views point into `line`.
  void matches(std::string_view line, std::vector<std::string_view>& out) const;
  // Line filter semantics: literals in order, non-empty captures, nothing left after a final literal.
  bool test(std::string_view line) const;

  const std::vector<std::string>& names() const { return names_; }

 private:
  struct Node {
    bool capture = false;
    bool named = false;  // capture other than `<_>`
    std::string text;    // literal bytes or capture name
  };
  static util::Result<PatternMatcher> compile(std::string_view pattern, bool need_capture);
  std::vector<Node> nodes_;
  std::vector<std::string> names_;
};

}  // namespace logql::log
