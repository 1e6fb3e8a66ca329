#include "golang/unicode_case.h"

#include "golang/quote.h"
#include "golang/utf8.h"

namespace golang {

int32_t rune_to_lower(int32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if ((c >= 0xc0 && c <= 0xde && c != 0xd7)) return c + 32;
  if (c >= 0x100 && c <= 0x17f) {
    if (c == 0x130) return 'i';
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) return (c % 2 == 1) ? c + 1 : c;
    if (c == 0x178) return 0xff;
    if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f) return c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3ab && c != 0x3a2) return c + 32;  // Greek
  if (c == 0x386) return 0x3ac;
  if (c >= 0x388 && c <= 0x38a) return c + 37;
  if (c == 0x38c) return 0x3cc;
  if (c == 0x38e || c == 0x38f) return c + 63;
  if (c >= 0x410 && c <= 0x42f) return c + 32;  // Cyrillic
  if (c >= 0x400 && c <= 0x40f) return c + 80;
  if (c >= 0x460 && c <= 0x4ff && c != 0x482 && !(c >= 0x483 && c <= 0x489) && c != 0x4c0) {
    if (c >= 0x4c1 && c <= 0x4ce) return (c % 2 == 1) ? c + 1 : c;
    if (c < 0x4c1) return (c % 2 == 0) ? c + 1 : c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c == 0x4c0) return 0x4cf;
  return c;
}

int32_t rune_to_upper(int32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z' ? c - 32 : c;
  if (c == 0xb5) return 0x39c;
  if (c >= 0xe0 && c <= 0xfe && c != 0xf7) return c - 32;
  if (c == 0xff) return 0x178;
  if (c >= 0x100 && c <= 0x17f) {
    if (c == 0x131) return 'I';
    if (c == 0x17f) return 'S';
    if (c == 0x130 || c == 0x138 || c == 0x149) return c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) return (c % 2 == 0) ? c - 1 : c;
    return (c % 2 == 1) ? c - 1 : c;
  }
  if (c >= 0x3b1 && c <= 0x3cb && c != 0x3c2) return c - 32;  // Greek
  if (c == 0x3c2) return 0x3a3;
  if (c == 0x3ac) return 0x386;
  if (c >= 0x3ad && c <= 0x3af) return c - 37;
  if (c == 0x3cc) return 0x38c;
  if (c == 0x3cd || c == 0x3ce) return c - 63;
  if (c >= 0x430 && c <= 0x44f) return c - 32;  // Cyrillic
  if (c >= 0x450 && c <= 0x45f) return c - 80;
  if (c >= 0x460 && c <= 0x4ff && c != 0x482 && !(c >= 0x483 && c <= 0x489) && c != 0x4c0) {
    if (c == 0x4cf) return 0x4c0;
    if (c >= 0x4c1 && c <= 0x4ce) return (c % 2 == 0) ? c - 1 : c;
    return (c % 2 == 1) ? c - 1 : c;
  }
  return c;
}

namespace {

template <int32_t (*Map)(int32_t)>
std::string map_runes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out += static_cast<char>(Map(b));
      ++i;
      continue;
    }
    size_t len;
    int32_t cp = decode_utf8(s, i, len);
    append_utf8(out, static_cast<uint32_t>(cp < 0 ? 0xfffd : Map(cp)));
    i += len;
  }
  return out;
}

}  // namespace

std::string to_lower(std::string_view s) { return map_runes<rune_to_lower>(s); }
std::string to_upper(std::string_view s) { return map_runes<rune_to_upper>(s); }

bool is_title_separator(int32_t r) {
  if (r <= 0x7f) {
    if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_') return false;
    return true;
  }
  // Letters and digits are not separators; of the rest only spaces are.
  if (rune_to_lower(r) != r || rune_to_upper(r) != r || (r >= 0xc0 && r != 0xd7 && r != 0xf7 && r < 0x2000))
    return false;
  return r == 0x85 || r == 0xa0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 ||
         r == 0x202f || r == 0x205f || r == 0x3000;
}

void append_title_rune(std::string& out, int32_t cp) { append_utf8(out, static_cast<uint32_t>(rune_to_upper(cp))); }

}  // namespace golang
