// Reading a configuration file: its text, ${VAR} references expanded when asked (see
// env_expand.h), parsed as YAML for a FieldReader. Both apps word their errors the same way:
// "reading config file: ..." when the file cannot be read, "<path>: ..." for what is in it.
// Thread-safe: pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "config/env_expand.h"
#include "util/result.h"

namespace config {

struct DocumentOptions {
  bool expand_env = false;  // -config.expand-env
  EnvLookup env_lookup;     // for tests; getenv when empty
};

// The root node of `text`. Errors: a reference expand_env refuses, "invalid YAML: ...".
util::Result<YAML::Node> parse_document(std::string_view text, const DocumentOptions& options = {});

// The text of the file at `path` ("reading config file: ..." when it cannot be read).
util::Result<std::string> read_config_file(const std::string& path);

}  // namespace config
