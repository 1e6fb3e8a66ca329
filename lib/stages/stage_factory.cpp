// Compiling StageSpecs into stages: each spec's settings type picks its compiler.
#include "stages/builtin.h"

namespace stages {

util::Result<std::vector<std::unique_ptr<Stage>>> compile_stage_list(const std::vector<StageSpec>& specs,
                                                                     const CompileContext& ctx) {
  std::vector<std::unique_ptr<Stage>> out;
  out.reserve(specs.size());
  for (const StageSpec& spec : specs) {
    auto stage = std::visit(
        [&](const auto& settings) -> StageResult {
          using T = std::decay_t<decltype(settings)>;
          if constexpr (std::is_same_v<T, RegexSpec>) return compile_regex(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, JsonSpec>) return compile_json(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, LogfmtSpec>) return compile_logfmt(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, ReplaceSpec>) return compile_replace(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, LabelsSpec>) return compile_labels(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, StaticLabelsSpec>) return compile_static_labels(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, LabelListSpec>) return compile_label_list(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, TenantSpec>) return compile_tenant(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, TimestampSpec>) return compile_timestamp(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, OutputSpec>) return compile_output(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, TemplateSpec>) return compile_template(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, PackSpec>) return compile_pack(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, DecolorizeSpec>) return compile_decolorize(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, LuhnSpec>) return compile_luhn(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, GeoipSpec>) return compile_geoip(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, DropSpec>) return compile_drop(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, LimitSpec>) return compile_limit(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, SamplingSpec>) return compile_sampling(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, MultilineSpec>) return compile_multiline(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, DockerSpec>) return compile_docker(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, CriSpec>) return compile_cri(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, MetricsSpec>) return compile_metrics(settings, spec.where, ctx);
          if constexpr (std::is_same_v<T, MatchSpec>) return compile_match(settings, spec.where, ctx);
        },
        spec.settings);
    if (!stage.ok()) return stage.status_error();
    out.push_back(std::move(*stage));
  }
  return out;
}

util::Result<Pipeline> compile_nested_pipeline(const std::vector<StageSpec>& specs, const CompileContext& ctx) {
  auto stages = compile_stage_list(specs, ctx);
  if (!stages.ok()) return stages.status_error();
  return Pipeline(std::move(*stages), ctx.registry);
}

}  // namespace stages
