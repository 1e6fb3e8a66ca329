// The stage compilers, one per Promtail stage type: a StageSpec's settings -> a running Stage.
// Internal to lib/stages. Errors name the stage by its key path (StageSpec::where).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stages/metric_registry.h"
#include "stages/pipeline.h"
#include "stages/stage.h"
#include "stages/stage_spec.h"
#include "util/clock.h"
#include "util/result.h"

namespace re2 {
class RE2;
}

namespace stages {

struct CompileContext {
  std::shared_ptr<MetricRegistry> registry;
  std::optional<std::string> job_name;
  util::Clock* clock = nullptr;  // never null once compiling
};

using StageResult = util::Result<std::unique_ptr<Stage>>;

// Compiles a list of specs, in order; the first error stops it.
util::Result<std::vector<std::unique_ptr<Stage>>> compile_stage_list(const std::vector<StageSpec>& specs,
                                                                     const CompileContext& ctx);
// Compiles a nested list into a Pipeline sharing the context's registry.
util::Result<Pipeline> compile_nested_pipeline(const std::vector<StageSpec>& specs, const CompileContext& ctx);

// `where` is the stage's key path, for messages.
StageResult compile_regex(const RegexSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_json(const JsonSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_logfmt(const LogfmtSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_replace(const ReplaceSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_labels(const LabelsSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_static_labels(const StaticLabelsSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_label_list(const LabelListSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_tenant(const TenantSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_timestamp(const TimestampSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_output(const OutputSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_template(const TemplateSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_pack(const PackSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_decolorize(const DecolorizeSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_luhn(const LuhnSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_geoip(const GeoipSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_match(const MatchSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_drop(const DropSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_limit(const LimitSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_sampling(const SamplingSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_multiline(const MultilineSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_docker(const DockerSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_cri(const CriSpec& spec, const std::string& where, const CompileContext& ctx);
StageResult compile_metrics(const MetricsSpec& spec, const std::string& where, const CompileContext& ctx);

// An RE2 regex compiled with Go's syntax; a bad pattern is an error naming the stage.
util::Result<std::unique_ptr<re2::RE2>> compile_re2(const std::string& where, const std::string& pattern);

// "<where>: <message>": the error of a stage's settings.
inline util::Error stage_error(const std::string& where, const std::string& message) {
  return util::Error{where + ": " + message};
}

}  // namespace stages
