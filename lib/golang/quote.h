// Go string literal syntax (strconv.Quote and Unquote), which LogQL, Loki's label printing and
// Go templates all use. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace golang {

// strconv.Quote: printable UTF-8 kept, control characters and invalid bytes escaped.
std::string quote(std::string_view s);

// Decodes a complete literal: "..." with Go escapes, or `...` raw (no escapes).
util::Result<std::string> unquote(std::string_view literal);

// Length of the literal that starts `text` (including its quotes), or 0 if `text` does not start
// with a complete "..." or `...` literal. Lets lexers find the end before decoding.
size_t string_literal_length(std::string_view text);

}  // namespace golang
