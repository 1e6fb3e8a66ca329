// Go's strconv.ParseBool, the boolean syntax of Loki's and Promtail's command-line flags (and of
// Promtail's weakly typed stage settings).
#pragma once

#include <optional>
#include <string_view>

namespace golang {

// "1 t T TRUE true True" or "0 f F FALSE false False"; anything else is nullopt.
inline std::optional<bool> parse_bool(std::string_view v) {
  if (v == "true" || v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "True") return true;
  if (v == "false" || v == "0" || v == "f" || v == "F" || v == "FALSE" || v == "False") return false;
  return std::nullopt;
}

}  // namespace golang
