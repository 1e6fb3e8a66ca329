// `| regexp "(?P<name>re)"`: named groups of the first (unanchored) match become labels, as
// Loki's RegexpParser. A line that does not match passes unchanged. Immutable; thread-safe.
#pragma once

#include <memory>
#include <re2/re2.h>
#include <string>
#include <vector>

#include "logql/log/stage.h"
#include "util/result.h"

namespace logql::log {

class RegexpParserStage final : public Stage {
 public:
  static util::Result<std::unique_ptr<RegexpParserStage>> compile(std::string_view regex);
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  std::unique_ptr<RE2> re_;
  std::vector<std::string> names_;  // by group index; empty for unnamed groups
};

}  // namespace logql::log
