// A small allocation-free JSON scanner with the semantics and error messages of
// buger/jsonparser, which Loki's json and unpack stages are built on: values are located
// lazily (numbers are kept as raw text), trailing text after the object is ignored.
#pragma once

#include <string>
#include <string_view>

namespace logql::log::json {

enum class Type { String, Number, Object, Array, Boolean, Null };

// Error texts of buger/jsonparser (they end up in `__error_details__`).
inline constexpr const char* kMalformedObject = "Value looks like object, but can't find closing '}' symbol";
inline constexpr const char* kMalformedArray = "Value is array, but can't find closing ']' symbol";
inline constexpr const char* kMalformedString = "Value is string, but can't find closing '\"' symbol";
inline constexpr const char* kMalformedValue = "Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol";
inline constexpr const char* kMalformedJson = "Malformed JSON error";
inline constexpr const char* kUnknownValueType = "Unknown value type";
inline constexpr const char* kBadEscape = "Encountered an invalid escape sequence in a string";

// One value at the start of `data` (no leading whitespace). `value` is the raw text (string
// contents without the quotes), `end` the offset just past it. Returns nullptr or an error.
const char* read_value(std::string_view data, std::string_view& value, Type& type, size_t& end);

// Calls `fn(key, value, type)` for each member of the object `data` starts with (after
// whitespace); `key` is unescaped into `key_buf` when needed. `fn` returns nullptr to go on or
// an error to stop. Returns nullptr or the first error.
template <class Fn>
const char* object_each(std::string_view data, std::string& key_buf, Fn&& fn);

// Decodes JSON string escapes of `raw` into `out`. False on an invalid escape.
bool unescape(std::string_view raw, std::string& out);

// Replaces invalid UTF-8 bytes and U+FFFD with a space, as Loki does for extracted values.
void replace_invalid_utf8(std::string& s);

size_t skip_ws(std::string_view d, size_t i);
// Offset of the closing quote of a string whose contents start at d[0], or npos.
size_t string_end(std::string_view d, bool& escaped);

template <class Fn>
const char* object_each(std::string_view data, std::string& key_buf, Fn&& fn) {
  size_t i = skip_ws(data, 0);
  if (i >= data.size() || data[i] != '{') return kMalformedObject;
  i = skip_ws(data, i + 1);
  if (i >= data.size()) return kMalformedObject;
  if (data[i] == '}') return nullptr;
  for (;;) {
    if (data[i] == '}') return nullptr;
    if (data[i] != '"') return kMalformedObject;
    ++i;
    bool escaped = false;
    size_t kend = string_end(data.substr(i), escaped);
    if (kend == std::string_view::npos) return kMalformedJson;
    std::string_view key = data.substr(i, kend);
    if (escaped) {
      if (!unescape(key, key_buf)) return kBadEscape;
      key = key_buf;
    }
    i = skip_ws(data, i + kend + 1);
    if (i >= data.size() || data[i] != ':') return kMalformedJson;
    i = skip_ws(data, i + 1);
    if (i >= data.size()) return kMalformedJson;
    std::string_view value;
    Type type;
    size_t end;
    if (const char* err = read_value(data.substr(i), value, type, end)) return err;
    if (const char* err = fn(key, value, type)) return err;
    i = skip_ws(data, i + end);
    if (i >= data.size()) return kMalformedArray;
    if (data[i] == '}') return nullptr;
    if (data[i] != ',') return kMalformedObject;
    i = skip_ws(data, i + 1);
    if (i >= data.size()) return kMalformedObject;
  }
}

}  // namespace logql::log::json
