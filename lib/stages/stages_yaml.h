// Reading Promtail's `pipeline_stages` YAML into StageSpecs with config::FieldReader: unknown
// stages and keys, missing required keys and wrong types are errors naming the key path, e.g.
//   scrape_configs[0].pipeline_stages[1].regex: unknown field "expresion"
// Settings are read weakly typed, as Promtail decodes them (mapstructure): "1" is a boolean.
//
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stages/pipeline.h"
#include "stages/stage_spec.h"
#include "util/result.h"

namespace YAML {
class Node;
}

namespace stages {

// `list` is the `pipeline_stages` sequence (null or absent: no stages); `path` names it.
util::Result<std::vector<StageSpec>> parse_pipeline_stages(const YAML::Node& list, const std::string& path);
// The same from YAML text (a sequence, or empty).
util::Result<std::vector<StageSpec>> parse_pipeline_stages(std::string_view yaml, const std::string& path);

// Reads and compiles in one step (tests, logtail's stdin mode without a config).
util::Result<Pipeline> compile_pipeline_yaml(std::string_view yaml, PipelineOptions options = {},
                                             const std::string& path = "pipeline_stages");

// The names Promtail accepts, for error messages.
std::vector<std::string> stage_names();

}  // namespace stages
