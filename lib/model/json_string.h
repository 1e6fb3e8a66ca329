// JSON strings exactly as Go's encoding/json writes them, which is what Loki, Promtail and
// logcli emit: `<`, `>`, `&`, U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace model {

// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace model
