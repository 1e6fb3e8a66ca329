#include "index/matcher.h"

#include <re2/re2.h>

namespace idx {

util::Result<CompiledMatcher> CompiledMatcher::compile(const Matcher& m) {
  CompiledMatcher c;
  c.m_ = m;
  if (m.type == MatchType::kRegex || m.type == MatchType::kNotRegex) {
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_dot_nl(true);
    auto re = std::make_shared<re2::RE2>("(?:" + m.value + ")", opts);
    if (!re->ok()) return util::Error{"invalid regular expression " + m.value + ": " + re->error()};
    c.re_ = std::move(re);
  }
  c.matches_empty_ = c.matches("");
  return c;
}

bool CompiledMatcher::matches(std::string_view value) const {
  switch (m_.type) {
    case MatchType::kEqual: return value == m_.value;
    case MatchType::kNotEqual: return value != m_.value;
    case MatchType::kRegex: return re2::RE2::FullMatch(value, *re_);
    case MatchType::kNotRegex: return !re2::RE2::FullMatch(value, *re_);
  }
  return false;
}

util::Result<std::vector<CompiledMatcher>> compile_matchers(const std::vector<Matcher>& ms) {
  std::vector<CompiledMatcher> out;
  out.reserve(ms.size());
  for (const auto& m : ms) {
    auto c = CompiledMatcher::compile(m);
    if (!c.ok()) return c.status_error();
    out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace idx
