// Unicode case mapping as Go's strings.ToLower/ToUpper/Title apply it, for the scripts log
// lines commonly carry: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic. Other runes are
// left unchanged. Invalid UTF-8 bytes become U+FFFD, as in Go.
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

}  // namespace golang
