#include "model/go_string.h"
#include "util/strings.h"

#include <cstdint>

namespace model {

int32_t decode_utf8(std::string_view s, size_t i, size_t& len) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  len = 1;
  if (c < 0x80) return c;
  size_t n;
  int32_t cp;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return -1;
  }
  if (i + n > s.size()) return -1;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b(k) & 0x3f);
  }
  // Reject overlong forms, surrogates and out-of-range values, as Go's utf8.DecodeRune does.
  static const int32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  len = n;
  return cp;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    if (decode_utf8(s, i, len) < 0) return false;
    i += len;
  }
  return true;
}

namespace {

const char kHex[] = "0123456789abcdef";

// Approximates Go's unicode.IsPrint for the ranges that matter in logs: C0/C1 controls, DEL,
// line/paragraph separators and the BOM are not printable.
bool is_printable(int32_t cp) {
  if (cp < 0x20 || cp == 0x7f) return false;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp == 0xad || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff) return false;
  return true;
}

}  // namespace

std::string quote_go_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {  // fast path: plain ASCII
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t len;
    int32_t cp = decode_utf8(s, i, len);
    if (cp < 0) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      i += 1;
      continue;
    }
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (is_printable(cp)) {
          out.append(s.substr(i, len));
        } else if (cp < 0x80) {
          out += "\\x";
          out += kHex[cp >> 4];
          out += kHex[cp & 15];
        } else if (cp < 0x10000) {
          out += "\\u";
          for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
        } else {
          out += "\\U";
          for (int shift = 28; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
        }
    }
    i += len;
  }
  out += '"';
  return out;
}

size_t go_string_literal_length(std::string_view text) {
  if (text.empty()) return 0;
  char q = text[0];
  if (q == '`') {
    size_t end = text.find('`', 1);
    return end == std::string_view::npos ? 0 : end + 1;
  }
  if (q != '"' && q != '\'') return 0;
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == q) {
      return i + 1;
    } else if (text[i] == '\n') {
      return 0;
    }
  }
  return 0;
}

namespace {

}  // namespace

util::Result<std::string> unquote_go_string(std::string_view lit) {
  if (lit.size() < 2) return util::Error{"invalid string literal"};
  char q = lit.front();
  if (lit.back() != q || (q != '"' && q != '`' && q != '\'')) return util::Error{"invalid string literal"};
  std::string_view body = lit.substr(1, lit.size() - 2);
  if (q == '`') return std::string(body);
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      if (c == q || c == '\n') return util::Error{"invalid string literal"};
      out += c;
      continue;
    }
    if (++i >= body.size()) return util::Error{"invalid escape at end of string"};
    char e = body[i];
    switch (e) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"':
      case '\'':
        if (e != q) return util::Error{std::string("invalid escape \\") + e};
        out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t v = 0;
        for (size_t k = 1; k <= n; ++k) {
          int h = i + k < body.size() ? util::hex_value(body[i + k]) : -1;
          if (h < 0) return util::Error{std::string("invalid escape \\") + e};
          v = v * 16 + static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          out += static_cast<char>(v);
        } else {
          if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return util::Error{"invalid Unicode code point in escape"};
          append_utf8(out, v);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {  // octal \NNN
          if (i + 2 >= body.size()) return util::Error{"short octal escape"};
          uint32_t v = 0;
          for (size_t k = 0; k < 3; ++k) {
            char d = body[i + k];
            if (d < '0' || d > '7') return util::Error{"invalid octal escape"};
            v = v * 8 + static_cast<uint32_t>(d - '0');
          }
          if (v > 255) return util::Error{"octal escape out of range"};
          out += static_cast<char>(v);
          i += 2;
          break;
        }
        return util::Error{std::string("invalid escape \\") + e};
    }
  }
  return out;
}

}  // namespace model
