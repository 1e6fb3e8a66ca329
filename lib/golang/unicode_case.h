// Unicode case mapping as Go's unicode.ToLower/ToUpper and strings.ToLower/ToUpper/Title apply
// it, over all of Unicode (simple case mapping), and Go's unicode.IsLetter/IsDigit test used by
// regexp.Expand for `$name` references. One home for the relabel `lowercase`/`uppercase`
// actions and the template engine's case functions, so both map a rune the same way.
//
// ASCII takes a fast path; other code points use glibc's C.UTF-8 tables through a private
// locale handle (the process locale stays untouched). Where that locale is missing (a minimal
// container), non-ASCII runes keep their case. Invalid UTF-8 bytes become U+FFFD, as Go's
// strings.Map does. Thread-safe: the locale handle is created once and only read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace golang {

int32_t rune_to_lower(int32_t cp);
int32_t rune_to_upper(int32_t cp);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);

// strings.Title's word boundary test on the previous rune.
bool is_title_separator(int32_t cp);
void append_title_rune(std::string& out, int32_t cp);

// unicode.IsLetter(cp) || unicode.IsDigit(cp) || cp == '_': the characters of a `$name`.
bool is_template_name_char(int32_t cp);

}  // namespace golang
