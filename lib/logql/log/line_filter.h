// Line filters: `|= "a"`, `!= "a"`, `|~ "re"`, `!~ "re"`, `|> "<_> pat"`, `!> ...`, and
// `|= ip("...")`, each with `or` alternatives. The hottest code of the engine: literals run on
// util::SubstringFinder, regexes that are really literals (`foo`, `(?i)foo`, `a|b`) are turned
// into substring searches as Loki does, the rest run on RE2 (unanchored) behind a prefilter of
// the literals every match must hold (regex_prefilter.h). No allocation per line.
//
// `or` alternatives of a positive filter match when any matches; of a negative filter the line
// must match none of them (Loki builds an AND of the negations). Immutable; thread-safe.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "logql/ast.h"
#include "logql/log/stage.h"
#include "util/result.h"

namespace logql::log {

// Something a line either matches or not.
class LineMatcher {
 public:
  virtual ~LineMatcher() = default;
  virtual bool matches(std::string_view line) const = 0;
};

// The matcher for one regex as a line filter would use it (with literal fast paths).
util::Result<std::unique_ptr<LineMatcher>> compile_regex_line_matcher(std::string_view regex);

class LineFilterStage final : public Stage {
 public:
  static util::Result<std::unique_ptr<LineFilterStage>> compile(const ast::LineFilter& filter);

  bool matches(std::string_view line) const { return any_->matches(line) != negate_; }
  bool process(int64_t, std::string_view& line, LabelsBuilder&, StageScratch&) const override {
    return matches(line);
  }
  bool is_line_filter() const override { return true; }

 private:
  std::unique_ptr<LineMatcher> any_;  // true when any alternative matches
  bool negate_ = false;
};

}  // namespace logql::log
