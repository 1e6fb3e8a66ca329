// Label filters (`| status >= 500 and level=~"err.*"`), as Loki's label_filter.go: string and
// regex matchers (regexes fully anchored), numeric, duration, bytes and ip comparisons, joined
// by `and`/`or` with short-circuit. A value that does not convert sets
// `__error__=LabelFilterErr` (with Go's error text in `__error_details__`) and keeps the entry;
// once an entry has an error, only string matchers can still filter it out. A missing label
// fails every comparison except string matchers, which see "". Immutable; thread-safe.
#pragma once

#include <memory>
#include <re2/re2.h>
#include <string>

#include "logql/ast.h"
#include "logql/log/ip_matcher.h"
#include "logql/log/stage.h"
#include "util/result.h"

namespace logql::log {

// A Prometheus-style label matcher: `=`, `!=`, and `=~`/`!~` anchored on the whole value.
class LabelMatcher {
 public:
  static util::Result<LabelMatcher> compile(const ast::Matcher& m);
  bool matches(std::string_view value) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_, value_;
  ast::MatchOp op_ = ast::MatchOp::Eq;
  std::shared_ptr<RE2> re_;
};

class LabelFilterNode {
 public:
  virtual ~LabelFilterNode() = default;
  virtual bool process(LabelsBuilder& lbs) const = 0;
};

util::Result<std::unique_ptr<LabelFilterNode>> compile_label_filter(const ast::LabelFilter& f);

class LabelFilterStage final : public Stage {
 public:
  explicit LabelFilterStage(std::unique_ptr<LabelFilterNode> root) : root_(std::move(root)) {}
  bool process(int64_t, std::string_view&, LabelsBuilder& lbs, StageScratch&) const override {
    return root_->process(lbs);
  }

 private:
  std::unique_ptr<LabelFilterNode> root_;
};

}  // namespace logql::log
