// Turns the AST's pipeline stages into compiled Stages, and runs them over one entry. Shared by
// Pipeline (log queries) and SampleExtractor (metric queries).
#pragma once

#include <memory>
#include <vector>

#include "logql/ast.h"
#include "logql/log/stage.h"
#include "gotemplate/template.h"
#include "model/labels.h"
#include "util/result.h"

namespace logql::log {

struct CompiledStages {
  std::vector<std::unique_ptr<Stage>> stages;
  // Only stages that look at the line: the entry's labels are the stream's plus metadata.
  bool line_filters_only = true;
  // Some stage reads or writes labels (label filter, formatter, drop/keep).
  bool uses_labels = false;
};

// `templates` bounds line_format and label_format templates (and carries the query's
// cancellation into them).
util::Result<CompiledStages> compile_stages(const std::vector<ast::Stage>& stages,
                                            const gotemplate::ExecLimits& templates = {});

// Runs every stage. Structured metadata is added to the builder (Loki's Add: `_extracted` on a
// clash with a stream label) just before the first stage that is not a line filter, so that
// entries dropped by leading line filters cost no label work. Returns false when filtered out.
bool run_stages(const CompiledStages& c, int64_t ts, std::string_view& line, const model::LabelSet& metadata,
                LabelsBuilder& lbs, std::vector<StageScratch>& scratch);

}  // namespace logql::log
