// The stage name -> compiler table, and compiling `pipeline_stages` lists.
#include <map>

#include "stages/builtin.h"

namespace stages {

namespace {

using Compiler = std::unique_ptr<Stage> (*)(const YAML::Node&, const CompileContext&);

const std::map<std::string, Compiler, std::less<>>& compilers() {
  static const std::map<std::string, Compiler, std::less<>> table = {
      {"cri", compile_cri},
      {"decolorize", compile_decolorize},
      {"docker", compile_docker},
      {"drop", compile_drop},
      {"json", compile_json},
      {"labelallow", compile_labelallow},
      {"labeldrop", compile_labeldrop},
      {"labels", compile_labels},
      {"limit", compile_limit},
      {"logfmt", compile_logfmt},
      {"match", compile_match},
      {"metrics", compile_metrics},
      {"multiline", compile_multiline},
      // The structured_metadata stage's name before Loki 2.9.
      {"non_indexed_labels", compile_structured_metadata},
      {"output", compile_output},
      {"pack", compile_pack},
      {"regex", compile_regex},
      {"replace", compile_replace},
      {"sampling", compile_sampling},
      {"static_labels", compile_static_labels},
      {"structured_metadata", compile_structured_metadata},
      {"template", compile_template},
      {"tenant", compile_tenant},
      {"timestamp", compile_timestamp},
  };
  return table;
}

std::string join_names() {
  std::string out;
  for (const auto& n : stage_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::vector<std::string> stage_names() {
  std::vector<std::string> out;
  for (const auto& [name, fn] : compilers()) out.push_back(name);
  return out;
}

std::vector<std::unique_ptr<Stage>> compile_stage_list(const YAML::Node& list, const CompileContext& ctx) {
  std::vector<std::unique_ptr<Stage>> out;
  if (!list.IsDefined() || list.IsNull()) return out;
  if (!list.IsSequence()) throw ConfigError("expected a list of stages");
  size_t index = 0;
  for (const auto& item : list) {
    std::string where = "stage " + std::to_string(index++);
    if (!item.IsMap() || item.size() != 1) {
      throw ConfigError(where + ": each stage must be a map with exactly one key, the stage name");
    }
    auto kv = item.begin();
    std::string name = kv->first.as<std::string>();
    auto it = compilers().find(name);
    if (it == compilers().end()) {
      throw ConfigError(where + ": unknown stage type \"" + name + "\" (known: " + join_names() + ")");
    }
    try {
      out.push_back(it->second(kv->second, ctx));
    } catch (const ConfigError& e) {
      throw ConfigError(where + ": " + e.what());
    }
  }
  return out;
}

Pipeline compile_nested_pipeline(const YAML::Node& list, const CompileContext& ctx) {
  return Pipeline(compile_stage_list(list, ctx), ctx.registry);
}

}  // namespace stages
