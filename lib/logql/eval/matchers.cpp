#include "logql/eval/matchers.h"

#include <re2/re2.h>

namespace logql {

util::Result<LabelMatchers> LabelMatchers::compile(const std::vector<ast::Matcher>& matchers) {
  LabelMatchers out;
  for (const auto& m : matchers) {
    Compiled c{m, nullptr};
    if (m.op == ast::MatchOp::Re || m.op == ast::MatchOp::Nre) {
      // Prometheus anchors label regexes on both ends.
      c.re = std::make_unique<re2::RE2>("^(?:" + m.value + ")$", re2::RE2::Quiet);
      if (!c.re->ok()) return util::Error{"error parsing regexp: " + c.re->error()};
    }
    out.matchers_.push_back(std::move(c));
  }
  return out;
}

bool LabelMatchers::matches(const model::LabelSet& labels) const {
  for (const auto& c : matchers_) {
    std::string_view value = labels.get(c.matcher.name).value_or(std::string_view{});
    bool ok = false;
    switch (c.matcher.op) {
      case ast::MatchOp::Eq: ok = value == c.matcher.value; break;
      case ast::MatchOp::Neq: ok = value != c.matcher.value; break;
      case ast::MatchOp::Re: ok = re2::RE2::FullMatch(value, *c.re); break;
      case ast::MatchOp::Nre: ok = !re2::RE2::FullMatch(value, *c.re); break;
    }
    if (!ok) return false;
  }
  return true;
}

LabelMatchers::LabelMatchers(LabelMatchers&&) noexcept = default;
LabelMatchers& LabelMatchers::operator=(LabelMatchers&&) noexcept = default;
LabelMatchers::~LabelMatchers() = default;

}  // namespace logql
