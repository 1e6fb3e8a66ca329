// Go string literal syntax, which LogQL, Loki's label printing and Go templates all use.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace model {

// strconv.Quote: printable UTF-8 kept, control characters and invalid bytes escaped.
std::string quote_go_string(std::string_view s);

// Decodes a complete literal: "..." with Go escapes, or `...` raw (no escapes).
util::Result<std::string> unquote_go_string(std::string_view literal);

// Length of the literal that starts `text` (including its quotes), or 0 if `text` does not start
// with a complete "..." or `...` literal. Lets lexers find the end before decoding.
size_t go_string_literal_length(std::string_view text);

// Decodes one UTF-8 sequence at s[i]. Returns the code point and sets `len` (1 for an invalid
// byte, which yields -1).
int32_t decode_utf8(std::string_view s, size_t i, size_t& len);
void append_utf8(std::string& out, uint32_t cp);
bool is_valid_utf8(std::string_view s);

}  // namespace model
