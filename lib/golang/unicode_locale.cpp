#include "golang/unicode_locale.h"

#include <locale.h>
#include <wctype.h>

#include "golang/quote.h"
#include "golang/utf8.h"

namespace golang {
namespace {

// The process locale stays untouched: we read C.UTF-8's tables through a private handle.
// When the locale is missing (a minimal container), non-ASCII letters keep their case.
locale_t unicode_locale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

template <bool kUpper>
std::string map_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  if (is_ascii(s)) {
    for (char c : s) {
      if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      out.push_back(c);
    }
    return out;
  }
  locale_t loc = unicode_locale();
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    int32_t cp = golang::decode_utf8(s, i, len);
    if (cp < 0) {
      golang::append_utf8(out, 0xFFFD);
    } else if (loc != static_cast<locale_t>(0)) {
      wint_t mapped = kUpper ? towupper_l(static_cast<wint_t>(cp), loc)
                             : towlower_l(static_cast<wint_t>(cp), loc);
      golang::append_utf8(out, static_cast<uint32_t>(mapped));
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace

std::string to_lower_unicode(std::string_view s) { return map_case<false>(s); }
std::string to_upper_unicode(std::string_view s) { return map_case<true>(s); }

bool is_template_name_char(int32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           cp == '_';
  }
  locale_t loc = unicode_locale();
  return loc != static_cast<locale_t>(0) && iswalnum_l(static_cast<wint_t>(cp), loc);
}

}  // namespace golang
