#include "golang/unicode_case.h"

#include <locale.h>
#include <wctype.h>

#include "golang/quote.h"
#include "golang/utf8.h"

namespace golang {
namespace {

locale_t unicode_locale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

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
    size_t len = 1;
    int32_t cp = decode_utf8(s, i, len);
    append_utf8(out, static_cast<uint32_t>(cp < 0 ? 0xfffd : Map(cp)));
    i += len;
  }
  return out;
}

bool is_unicode_space(int32_t r) {
  return r == 0x85 || r == 0xa0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 ||
         r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000;
}

}  // namespace

int32_t rune_to_lower(int32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  locale_t loc = unicode_locale();
  if (loc == static_cast<locale_t>(0)) return cp;
  return static_cast<int32_t>(towlower_l(static_cast<wint_t>(cp), loc));
}

int32_t rune_to_upper(int32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
  locale_t loc = unicode_locale();
  if (loc == static_cast<locale_t>(0)) return cp;
  return static_cast<int32_t>(towupper_l(static_cast<wint_t>(cp), loc));
}

std::string to_lower(std::string_view s) { return map_runes<rune_to_lower>(s); }
std::string to_upper(std::string_view s) { return map_runes<rune_to_upper>(s); }

bool is_title_separator(int32_t r) {
  if (r <= 0x7f) {
    return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_');
  }
  // Letters and digits are not separators; of the rest Go treats only spaces as separators, and
  // no Unicode space is a letter or a digit.
  return is_unicode_space(r);
}

void append_title_rune(std::string& out, int32_t cp) { append_utf8(out, static_cast<uint32_t>(rune_to_upper(cp))); }

bool is_template_name_char(int32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           cp == '_';
  }
  locale_t loc = unicode_locale();
  return loc != static_cast<locale_t>(0) && iswalnum_l(static_cast<wint_t>(cp), loc);
}

}  // namespace golang
