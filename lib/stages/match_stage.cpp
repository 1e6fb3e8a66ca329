// match: entries whose labels match a LogQL stream selector (and whose line passes its optional
// line filters, `{app="x"} != "info"`) go through nested stages (action keep) or are dropped
// (action drop, counted with drop_counter_reason, default "match_stage"); other entries pass
// unchanged.
#include "logql/eval/matchers.h"
#include "logql/log/line_filter.h"
#include "logql/parser.h"
#include "stages/builtin.h"

namespace stages {

namespace {

class MatchStage final : public Stage {
 public:
  MatchStage(logql::LabelMatchers matchers, std::vector<std::unique_ptr<logql::log::LineFilterStage>> filters,
             std::optional<Pipeline> nested, std::string drop_reason, std::shared_ptr<MetricRegistry> registry)
      : matchers_(std::move(matchers)),
        filters_(std::move(filters)),
        nested_(std::move(nested)),
        drop_reason_(std::move(drop_reason)),
        registry_(std::move(registry)) {}
  std::string_view name() const override { return "match"; }

  bool process(Entry& e) override {
    if (!matches(e)) return true;
    if (!nested_) {
      registry_->count_drop(drop_reason_);
      return false;
    }
    return nested_->run_in_place(e);
  }

  bool buffers() const override { return nested_ && nested_->buffers(); }
  void push(Entry& e, const EntrySink& next) override {
    if (!matches(e)) {
      next(e);
    } else if (!nested_) {
      registry_->count_drop(drop_reason_);
    } else {
      nested_->run(e, next);
    }
  }
  void flush(int64_t now_ns, const EntrySink& next) override {
    if (nested_) nested_->flush(now_ns, next);
  }
  void drain(const EntrySink& next) override {
    if (nested_) nested_->drain(next);
  }

 private:
  bool matches(const Entry& e) const {
    if (!matchers_.matches(e.labels)) return false;
    for (const auto& f : filters_) {
      if (!f->matches(e.line)) return false;
    }
    return true;
  }

  logql::LabelMatchers matchers_;
  std::vector<std::unique_ptr<logql::log::LineFilterStage>> filters_;
  std::optional<Pipeline> nested_;  // unset for action drop
  std::string drop_reason_;
  std::shared_ptr<MetricRegistry> registry_;
};

}  // namespace

StageResult compile_match(const MatchSpec& spec, const std::string& where, const CompileContext& ctx) {
  const std::string& selector = spec.selector;
  const std::string& action = spec.action;
  if (spec.pipeline_name && spec.pipeline_name->empty()) {
    return stage_error(where, "pipeline_name can be omitted but cannot be an empty string");
  }
  if (action != "keep" && action != "drop") {
    return stage_error(where, "action should be \"keep\" or \"drop\", not \"" + action + "\"");
  }
  const bool has_stages = !spec.stages.empty();
  if (action == "keep" && !has_stages) return stage_error(where, "at least one nested stage is required in \"stages\"");
  if (action == "drop" && has_stages) return stage_error(where, "a match stage with action drop cannot have stages");

  auto expr = logql::parse(selector);
  if (!expr.ok()) return stage_error(where, "invalid selector syntax: " + expr.error());
  const auto* sel = std::get_if<logql::ast::LogSelector>(&expr->node);
  if (!sel) return stage_error(where, "selector must be a log selector, not a metric query: " + selector);
  auto matchers = logql::LabelMatchers::compile(sel->matchers);
  if (!matchers.ok()) return stage_error(where, "invalid selector: " + matchers.error());
  std::vector<std::unique_ptr<logql::log::LineFilterStage>> filters;
  for (const auto& st : sel->stages) {
    const auto* lf = std::get_if<logql::ast::LineFilter>(&st);
    if (!lf) {
      return stage_error(where, "selector may only use line filters (|=, !=, |~, !~) after the matchers: " + selector);
    }
    auto f = logql::log::LineFilterStage::compile(*lf);
    if (!f.ok()) return stage_error(where, "invalid line filter: " + f.error());
    filters.push_back(std::move(f).value());
  }

  std::optional<Pipeline> pipeline;
  if (action == "keep") {
    CompileContext inner = ctx;
    if (spec.pipeline_name && ctx.job_name) inner.job_name = *ctx.job_name + "_" + *spec.pipeline_name;
    auto compiled = compile_nested_pipeline(spec.stages, inner);
    if (!compiled.ok()) return compiled.status_error();  // names the nested stage's own path
    pipeline.emplace(std::move(*compiled));
  }
  const auto& reason = spec.drop_counter_reason;
  return std::unique_ptr<Stage>(std::make_unique<MatchStage>(std::move(matchers).value(), std::move(filters),
                                                             std::move(pipeline),
                                                             reason && !reason->empty() ? *reason : "match_stage",
                                                             ctx.registry));
}

}  // namespace stages
