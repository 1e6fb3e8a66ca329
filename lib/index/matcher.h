// Label matchers with Prometheus semantics, as the index evaluates them.
//
// The namespace is `idx`, not `index`: glibc declares a global function index() (strings.h) and a
// namespace of that name does not compile next to it.
// CompiledMatcher is immutable after compile() and safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace re2 {
class RE2;
}

namespace idx {

enum class MatchType { kEqual, kNotEqual, kRegex, kNotRegex };  // =, !=, =~, !~

// A plain matcher (the LogQL AST has an equivalent; the index does not depend on lib/logql).
struct Matcher {
  std::string name;
  MatchType type = MatchType::kEqual;
  std::string value;
};

class CompiledMatcher {
 public:
  // Fails with RE2's message for an invalid regular expression. Regexes are fully anchored and
  // `.` matches newlines, as in Prometheus (`^(?s:...)$`).
  static util::Result<CompiledMatcher> compile(const Matcher& m);

  // Whether a label value satisfies the matcher. A series without the label has the value "",
  // so a matcher that matches "" also selects series that lack the label.
  bool matches(std::string_view value) const;
  bool matches_empty() const { return matches_empty_; }
  const Matcher& matcher() const { return m_; }

 private:
  Matcher m_;
  std::shared_ptr<const re2::RE2> re_;
  bool matches_empty_ = false;
};

util::Result<std::vector<CompiledMatcher>> compile_matchers(const std::vector<Matcher>& ms);

}  // namespace idx
