// `| pattern "<ip> - <_> <status>"`: named captures become labels (Loki's PatternParser).
// Immutable; thread-safe.
#pragma once

#include <memory>

#include "logql/log/pattern.h"
#include "logql/log/stage.h"

namespace logql::log {

class PatternParserStage final : public Stage {
 public:
  explicit PatternParserStage(PatternMatcher m) : m_(std::move(m)) {}
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  PatternMatcher m_;
};

}  // namespace logql::log
