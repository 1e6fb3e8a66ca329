// UTF-8 as Go's unicode/utf8 reads it: overlong forms, surrogates and values past U+10FFFF are
// invalid, each invalid byte decoding on its own (as utf8.RuneError). Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace golang {

// Decodes one UTF-8 sequence at s[i]. Returns the code point and sets `len` (1 for an invalid
// byte, which yields -1).
int32_t decode_utf8(std::string_view s, size_t i, size_t& len);
void append_utf8(std::string& out, uint32_t cp);
bool is_valid_utf8(std::string_view s);

}  // namespace golang
