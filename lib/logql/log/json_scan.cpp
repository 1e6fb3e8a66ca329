#include "logql/log/json_scan.h"

#include "golang/quote.h"
#include "golang/utf8.h"

namespace logql::log::json {

size_t skip_ws(std::string_view d, size_t i) {
  while (i < d.size() && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t')) ++i;
  return i;
}

size_t string_end(std::string_view d, bool& escaped) {
  escaped = false;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] == '"') {
      // A quote preceded by an odd number of backslashes is escaped.
      size_t j = i, n = 0;
      while (j > 0 && d[j - 1] == '\\') {
        --j;
        ++n;
      }
      if (n % 2 == 0) return i;
    } else if (d[i] == '\\') {
      escaped = true;
    }
  }
  return std::string_view::npos;
}

namespace {

// Offset just past the block opened at d[0], skipping strings; npos when unterminated.
size_t block_end(std::string_view d, char open, char close) {
  int level = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    char c = d[i];
    if (c == '"') {
      bool esc;
      size_t e = string_end(d.substr(i + 1), esc);
      if (e == std::string_view::npos) return std::string_view::npos;
      i += e + 1;
    } else if (c == open) {
      ++level;
    } else if (c == close) {
      if (--level == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

size_t token_end(std::string_view d) {
  for (size_t i = 0; i < d.size(); ++i) {
    char c = d[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ',' || c == '}' || c == ']') return i;
  }
  return d.size();
}

int hex4(std::string_view s) {
  if (s.size() < 4) return -1;
  int v = 0;
  for (int k = 0; k < 4; ++k) {
    char c = s[k];
    int d = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

}  // namespace

const char* read_value(std::string_view d, std::string_view& value, Type& type, size_t& end) {
  switch (d[0]) {
    case '"': {
      bool esc;
      size_t e = string_end(d.substr(1), esc);
      if (e == std::string_view::npos) return kMalformedString;
      type = Type::String;
      value = d.substr(1, e);
      end = e + 2;
      return nullptr;
    }
    case '[':
    case '{': {
      bool arr = d[0] == '[';
      size_t e = block_end(d, d[0], arr ? ']' : '}');
      if (e == std::string_view::npos) return arr ? kMalformedArray : kMalformedObject;
      type = arr ? Type::Array : Type::Object;
      value = d.substr(0, e);
      end = e;
      return nullptr;
    }
    default: {
      size_t e = token_end(d);
      value = d.substr(0, e);
      end = e;
      switch (d[0]) {
        case 't':
        case 'f':
          if (value != "true" && value != "false") return kUnknownValueType;
          type = Type::Boolean;
          return nullptr;
        case 'u':
        case 'n':
          if (value != "null") return kUnknownValueType;
          type = Type::Null;
          return nullptr;
        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          type = Type::Number;
          return nullptr;
        default:
          return kUnknownValueType;
      }
    }
  }
}

bool unescape(std::string_view raw, std::string& out) {
  out.clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= raw.size()) return false;
    switch (raw[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        int cp = hex4(raw.substr(i + 1));
        if (cp < 0) return false;
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
          // A high surrogate needs its low half; alone it decodes to U+FFFD.
          int lo = raw.substr(i + 1, 2) == "\\u" ? hex4(raw.substr(i + 3)) : -1;
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          cp = 0xFFFD;
        }
        golang::append_utf8(out, static_cast<uint32_t>(cp));
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

void replace_invalid_utf8(std::string& s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    int32_t cp = golang::decode_utf8(s, i, len);
    if (cp < 0 || cp == 0xFFFD) {
      // Go maps each invalid byte (or the whole U+FFFD sequence) to one space.
      s[i] = ' ';
      if (len > 1) s.erase(i + 1, len - 1);
      i += 1;
    } else {
      i += len;
    }
  }
}

}  // namespace logql::log::json
