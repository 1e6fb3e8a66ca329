#include "config/yaml_document.h"

#include <map>
#include <vector>

#include "fsutil/atomic_file.h"

namespace config {
namespace {

// yaml-cpp keeps both entries of a repeated key and lookups find the first, so a second
// `common:` block would be ignored without a word. Go's YAML decoder (Loki, Promtail, Prometheus)
// refuses it; so do we. An explicit stack: a hostile document's nesting cannot overflow ours.
util::Status check_duplicate_keys(const YAML::Node& root) {
  std::vector<YAML::Node> pending{root};
  while (!pending.empty()) {
    YAML::Node node = pending.back();
    pending.pop_back();
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) pending.push_back(item);
    } else if (node.IsMap()) {
      std::map<std::string, int> seen;  // key -> 1-based line
      for (const auto& kv : node) {
        if (kv.first.IsScalar()) {
          int line = kv.first.Mark().line + 1;
          auto [it, fresh] = seen.emplace(kv.first.Scalar(), line);
          if (!fresh) {
            return util::invalid_argument("invalid YAML: line " + std::to_string(line) + ": mapping key \"" +
                                          kv.first.Scalar() + "\" already defined at line " +
                                          std::to_string(it->second));
          }
        }
        pending.push_back(kv.second);
      }
    }
  }
  return util::Status::Ok();
}

}  // namespace

util::Result<YAML::Node> parse_document(std::string_view text, const DocumentOptions& options) {
  std::string yaml(text);
  if (options.expand_env) {
    auto expanded = expand_env(yaml, options.env_lookup);
    if (!expanded.ok()) return expanded.status_error();
    yaml = std::move(*expanded);
  }
  try {
    YAML::Node root = YAML::Load(yaml);
    if (auto st = check_duplicate_keys(root); !st.ok()) return st.status_error();
    return root;
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
