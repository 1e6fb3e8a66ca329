// `| line_format "{{.a}}"` and `| label_format dst=src, dst="{{tmpl}}"`, as Loki's
// LineFormatter and LabelsFormatter, on gotemplate::Template. A template failing at run time
// sets `__error__=TemplateFormatErr` (details: the error) and leaves the line/label unchanged.
// label_format: a label name may appear only once per stage; renames keep the source label's
// category and delete the source; templates of one stage all see the labels as they were
// when its first template ran. Immutable; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logql/ast.h"
#include "logql/log/stage.h"
#include "gotemplate/template.h"
#include "util/result.h"

namespace logql::log {

// `limits` bound every execution of the stage's templates (a template past them fails like any
// other: TemplateFormatErr).
class LineFormatStage final : public Stage {
 public:
  static util::Result<std::unique_ptr<LineFormatStage>> compile(const ast::LineFormat& f,
                                                                const gotemplate::ExecLimits& limits = {});
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  LineFormatStage(gotemplate::Template t, const gotemplate::ExecLimits& limits) : tmpl_(std::move(t)), limits_(limits) {}
  gotemplate::Template tmpl_;
  gotemplate::ExecLimits limits_;
};

class LabelFormatStage final : public Stage {
 public:
  static util::Result<std::unique_ptr<LabelFormatStage>> compile(const ast::LabelFormat& f,
                                                                 const gotemplate::ExecLimits& limits = {});
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  struct Item {
    std::string dst, src;                // src: rename source
    std::optional<gotemplate::Template> tmpl;  // set for templates
  };
  std::vector<Item> items_;
  gotemplate::ExecLimits limits_;
};

}  // namespace logql::log
