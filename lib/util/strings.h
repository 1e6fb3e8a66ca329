// Small ASCII string helpers every module needs: one of each, so that no module keeps its own.
// (Go's Unicode-aware strings.TrimSpace and friends are in the Go compatibility layer.)
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace util {

// `s` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view trim(std::string_view s);

// ASCII case-insensitive equality (HTTP header names, media types, LogQL keywords).
bool iequals(std::string_view a, std::string_view b);

// The value of the hex digit `c` (0-9, a-f, A-F), or -1.
int hex_value(char c);

// `bytes` in lowercase hex, two digits a byte (trace ids, digests).
std::string hex_encode(std::string_view bytes);

}  // namespace util
