// Unicode case mapping as Go's strings.ToLower/ToUpper do it over all of Unicode (used by the
// `lowercase` and `uppercase` relabel actions; the template engine's unicode_case.h covers fewer
// scripts, as it always did), and Go's unicode.IsLetter/IsDigit test used by regexp.Expand for
// `$name` references.
//
// ASCII takes a fast path; other code points use glibc's C.UTF-8 tables (the full Unicode
// simple case mapping, as Go's unicode package). Invalid UTF-8 bytes become U+FFFD, as Go's
// strings.Map does. Thread-safe: the locale handle is created once and only read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace golang {

std::string to_lower_unicode(std::string_view s);
std::string to_upper_unicode(std::string_view s);

// unicode.IsLetter(cp) || unicode.IsDigit(cp) || cp == '_': the characters of a `$name`.
bool is_template_name_char(int32_t cp);

}  // namespace golang
