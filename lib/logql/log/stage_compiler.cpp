#include "logql/log/stage_compiler.h"

#include "logql/log/drop_keep.h"
#include "logql/log/formatters.h"
#include "logql/log/json_parser.h"
#include "logql/log/label_filter.h"
#include "logql/log/line_filter.h"
#include "logql/log/logfmt_parser.h"
#include "logql/log/pattern_parser.h"
#include "logql/log/regexp_parser.h"
#include "logql/log/unpack_parser.h"

namespace logql::log {

namespace {

template <class T>
util::Result<std::unique_ptr<Stage>> up(util::Result<std::unique_ptr<T>> r) {
  if (!r.ok()) return r.status_error();
  return std::unique_ptr<Stage>(std::move(*r));
}

util::Result<std::unique_ptr<Stage>> compile_one(const ast::Stage& st, const gotemplate::ExecLimits& templates,
                                                 bool& uses_labels) {
  using Ptr = std::unique_ptr<Stage>;
  if (const auto* f = std::get_if<ast::LineFilter>(&st)) return up(LineFilterStage::compile(*f));
  if (const auto* j = std::get_if<ast::JsonParser>(&st)) {
    if (j->params.empty()) return Ptr(std::make_unique<JsonParserStage>());
    return up(JsonExpressionParserStage::compile(j->params));
  }
  if (const auto* l = std::get_if<ast::LogfmtParser>(&st)) {
    if (l->params.empty()) return Ptr(std::make_unique<LogfmtParserStage>(l->strict, l->keep_empty));
    return up(LogfmtExpressionParserStage::compile(l->params, l->strict));
  }
  if (const auto* r = std::get_if<ast::RegexpParser>(&st)) return up(RegexpParserStage::compile(r->regex));
  if (const auto* p = std::get_if<ast::PatternParser>(&st)) {
    auto m = PatternMatcher::compile_parser(p->pattern);
    if (!m.ok()) return m.status_error();
    return Ptr(std::make_unique<PatternParserStage>(std::move(*m)));
  }
  if (std::holds_alternative<ast::UnpackParser>(st)) return Ptr(std::make_unique<UnpackParserStage>());
  if (std::holds_alternative<ast::Decolorize>(st)) return Ptr(std::make_unique<DecolorizeStage>());
  uses_labels = true;
  if (const auto* lf = std::get_if<ast::LineFormat>(&st)) return up(LineFormatStage::compile(*lf, templates));
  if (const auto* lf = std::get_if<ast::LabelFormat>(&st)) return up(LabelFormatStage::compile(*lf, templates));
  if (const auto* f = std::get_if<ast::LabelFilterStage>(&st)) {
    auto root = compile_label_filter(f->filter);
    if (!root.ok()) return root.status_error();
    return Ptr(std::make_unique<LabelFilterStage>(std::move(*root)));
  }
  if (const auto* d = std::get_if<ast::DropLabels>(&st)) return up(DropKeepStage::compile(d->labels, false));
  const auto& k = std::get<ast::KeepLabels>(st);
  return up(DropKeepStage::compile(k.labels, true));
}

}  // namespace

util::Result<CompiledStages> compile_stages(const std::vector<ast::Stage>& stages, const gotemplate::ExecLimits& templates) {
  CompiledStages out;
  for (const auto& st : stages) {
    auto s = compile_one(st, templates, out.uses_labels);
    if (!s.ok()) return s.status_error();
    if (!(*s)->is_line_filter()) out.line_filters_only = false;
    out.stages.push_back(std::move(*s));
  }
  return out;
}

bool run_stages(const CompiledStages& c, int64_t ts, std::string_view& line, const model::LabelSet& metadata,
                LabelsBuilder& lbs, std::vector<StageScratch>& scratch) {
  bool metadata_added = metadata.empty();
  for (size_t i = 0; i < c.stages.size(); ++i) {
    const Stage& st = *c.stages[i];
    if (!metadata_added && !st.is_line_filter()) {
      for (const auto& l : metadata) lbs.add(LabelCategory::Metadata, l.name, l.value);
      metadata_added = true;
    }
    if (!st.process(ts, line, lbs, scratch[i])) return false;
  }
  if (!metadata_added)
    for (const auto& l : metadata) lbs.add(LabelCategory::Metadata, l.name, l.value);
  return true;
}

}  // namespace logql::log
