// `-config.expand-env=true` (logtail's and logd's): environment variable references in a
// configuration file are replaced before the YAML is parsed, with the syntax of
// github.com/drone/envsubst that Promtail and Loki use:
//   ${VAR}, $VAR            the value, or "" when VAR is unset
//   ${VAR:-default}         default when VAR is unset or empty (":=" is the same here)
//   ${VAR-default}          default when VAR is unset ("=" is the same here)
//   $$                      a literal "$"
//   \\ and \/               a literal "\" and "/" (so every backslash must be doubled)
// Defaults may themselves contain references. The other envsubst operators (${#VAR},
// ${VAR:1:2}, ${VAR/a/b}, case changes) are reported as unsupported rather than misread.
// Thread-safe: pure function over `text` and the lookup.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace config {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Expands references in `text`, reading variables through `lookup` (getenv by default).
util::Result<std::string> expand_env(std::string_view text, const EnvLookup& lookup = {});

}  // namespace config
