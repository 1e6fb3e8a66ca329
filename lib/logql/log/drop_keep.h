// `| drop a, b="v"` and `| keep a, b="v"` (Loki's DropLabels/KeepLabels). drop removes the
// named labels (only those whose value matches, for matcher forms) and can clear `__error__`
// and `__error_details__`; keep removes every other label but never the error labels.
// Immutable; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logql/ast.h"
#include "logql/log/label_filter.h"
#include "logql/log/stage.h"

namespace logql::log {

class DropKeepStage final : public Stage {
 public:
  static util::Result<std::unique_ptr<DropKeepStage>> compile(const std::vector<ast::LabelSelection>& labels, bool keep);
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  struct Sel {
    std::string name;
    std::optional<LabelMatcher> matcher;
  };
  std::vector<Sel> sels_;
  bool keep_ = false;
};

// `| decolorize`: strips ANSI escape sequences (the stripansi expression Loki uses).
class DecolorizeStage final : public Stage {
 public:
  DecolorizeStage();
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  std::shared_ptr<RE2> re_;
};

}  // namespace logql::log
