// The stage compilers, one per Promtail stage type, and the table that maps stage names to them.
// Internal to lib/stages: compilers throw ConfigError (see stage_config.h), which
// Pipeline::compile turns into a util::Error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "stages/metric_registry.h"
#include "stages/pipeline.h"
#include "stages/stage.h"
#include "stages/stage_config.h"

namespace re2 {
class RE2;
}

namespace stages {

struct CompileContext {
  std::shared_ptr<MetricRegistry> registry;
  std::optional<std::string> job_name;
  util::Clock* clock = nullptr;  // never null once compiling
};

// Compiles a `pipeline_stages` list. Throws ConfigError naming the stage (and its position).
std::vector<std::unique_ptr<Stage>> compile_stage_list(const YAML::Node& list, const CompileContext& ctx);
// Compiles a nested list into a Pipeline sharing the context's registry.
Pipeline compile_nested_pipeline(const YAML::Node& list, const CompileContext& ctx);

// Each takes the stage's YAML value (`regex: <value>`).
std::unique_ptr<Stage> compile_regex(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_json(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_logfmt(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_replace(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_labels(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_structured_metadata(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_static_labels(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_labelallow(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_labeldrop(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_tenant(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_timestamp(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_output(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_template(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_pack(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_decolorize(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_match(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_drop(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_limit(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_sampling(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_multiline(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_docker(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_cri(const YAML::Node& cfg, const CompileContext& ctx);
std::unique_ptr<Stage> compile_metrics(const YAML::Node& cfg, const CompileContext& ctx);

// An RE2 regex compiled with Go's syntax; a bad pattern fails the stage's configuration.
std::unique_ptr<re2::RE2> compile_re2(const StageConfig& cfg, const std::string& pattern);

// The names Promtail accepts, for error messages.
std::vector<std::string> stage_names();

}  // namespace stages
