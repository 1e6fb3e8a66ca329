// Compiled stream selectors: a list of `name op "value"` matchers evaluated against a label set
// with Prometheus semantics (regexes fully anchored; a missing label matches as the empty string,
// so `{a!="x"}` and `{a=~".*"}` select streams without `a`). Immutable after compile; thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "logql/ast.h"
#include "model/labels.h"
#include "util/result.h"

namespace re2 {
class RE2;
}

namespace logql {

class LabelMatchers {
 public:
  static util::Result<LabelMatchers> compile(const std::vector<ast::Matcher>& matchers);

  bool matches(const model::LabelSet& labels) const;

  LabelMatchers(LabelMatchers&&) noexcept;
  LabelMatchers& operator=(LabelMatchers&&) noexcept;
  ~LabelMatchers();

 private:
  struct Compiled {
    ast::Matcher matcher;
    std::unique_ptr<re2::RE2> re;  // only for =~ and !~
  };
  LabelMatchers() = default;
  std::vector<Compiled> matchers_;
};

}  // namespace logql
