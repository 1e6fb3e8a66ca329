#include "config/yaml_document.h"

#include "fsutil/atomic_file.h"

namespace config {

util::Result<YAML::Node> parse_document(std::string_view text, const DocumentOptions& options) {
  std::string yaml(text);
  if (options.expand_env) {
    auto expanded = expand_env(yaml, options.env_lookup);
    if (!expanded.ok()) return expanded.status_error();
    yaml = std::move(*expanded);
  }
  try {
    return YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return util::Error{std::string("invalid YAML: ") + e.what()};
  }
}

util::Result<std::string> read_config_file(const std::string& path) {
  auto text = fsutil::read_file(path);
  if (!text.ok()) return util::prefixed("reading config file: ", text.status_error());
  return text;
}

}  // namespace config
