// UTF-8 validation tuned for log lines, which are nearly always ASCII: eight bytes are checked
// at a time and only the first non-ASCII byte onwards goes through golang::is_valid_utf8.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "golang/quote.h"

#include "golang/utf8.h"

namespace push {

inline bool is_valid_utf8_fast(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ULL) break;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) & 0x80) return golang::is_valid_utf8(s.substr(i));
  }
  return true;
}

}  // namespace push
