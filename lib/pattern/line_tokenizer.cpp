#include "pattern/line_tokenizer.h"

#include <algorithm>
#include <array>

#include <re2/re2.h>

#include "golang/quote.h"
#include "golang/utf8.h"
#include "logql/log/json_scan.h"
#include "logql/log/logfmt_parser.h"

namespace pattern {
namespace {

constexpr size_t kMaxTokens = 127;  // Loki's bound; the rest of the line is the last token

// ASCII classes of the plain-text tokenizer. Go's unicode.IsPunct is Unicode category P only,
// so `$ + < > ^ \` | ~` are not punctuation there and stay inside tokens.
enum : uint8_t { kInToken = 0, kSpace = 1, kDelimiter = 2 };
constexpr std::array<uint8_t, 128> ascii_classes() {
  std::array<uint8_t, 128> c{};
  c[' '] = kSpace;
  for (char ch : std::string_view("!\"#%&'()*,;?@[\\]{}=")) c[static_cast<unsigned char>(ch)] = kDelimiter;
  return c;  // `_ - . : /` are punctuation Loki keeps inside tokens
}
constexpr std::array<uint8_t, 128> kAscii = ascii_classes();

// Non-ASCII punctuation in the blocks log lines use (see the header for the difference to Go).
bool is_non_ascii_punct(int32_t cp) {
  switch (cp) {
    case 0xA1: case 0xA7: case 0xAB: case 0xB6: case 0xB7: case 0xBB: case 0xBF:
      return true;
    default:
      break;
  }
  return (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) || (cp >= 0x3001 && cp <= 0x3003) ||
         (cp >= 0x3008 && cp <= 0x3011) || (cp >= 0x3014 && cp <= 0x301F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF3D) || (cp >= 0xFF5B && cp <= 0xFF65);
}

bool equal_fold_ascii(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// logfmt keys whose values always vary (Loki's isVariableField).
bool is_variable_key(std::string_view key) {
  return key == "t" || equal_fold_ascii(key, "ts") || equal_fold_ascii(key, "time") ||
         equal_fold_ascii(key, "timestamp") || equal_fold_ascii(key, "traceID");
}

// The JSON members whose string value is the message (Loki's default
// pattern_ingester_tokenizable_json_fields), in order of preference.
constexpr std::array<std::string_view, 6> kJsonMessageFields = {"log", "message", "msg", "msg_", "_msg", "content"};

// go-logfmt quotes a value holding a space, a control character, `=`, `"` or invalid UTF-8.
bool logfmt_needs_quotes(std::string_view v) {
  for (char ch : v) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) return true;
  }
  return !golang::is_valid_utf8(v);
}

}  // namespace

LineFormat detect_format(std::string_view line) {
  if (line.size() < 2) return LineFormat::kPlain;
  if (line.front() == '{' && line.back() == '}') return LineFormat::kJson;
  // Loki's logfmtRegex: the whole line is `key=value` pairs, one space apart.
  static const re2::RE2 logfmt(R"re(^(\w+?=([^"]\S*?|".+?") )*?(\w+?=([^"]\S*?|".+?"))+$)re");
  return re2::RE2::FullMatch(re2::StringPiece(line.data(), line.size()), logfmt) ? LineFormat::kLogfmt
                                                                                 : LineFormat::kPlain;
}

const char* format_name(LineFormat format) {
  switch (format) {
    case LineFormat::kLogfmt: return "logfmt";
    case LineFormat::kJson: return "json";
    case LineFormat::kPlain: break;
  }
  return "unknown";
}

LineTokenizer::LineTokenizer(LineFormat format, size_t max_line_length)
    : format_(format), max_line_length_(max_line_length) {}

bool LineTokenizer::tokenize(std::string_view line, Tokens& out) {
  out.tokens.clear();
  out.spaces_after.clear();
  switch (format_) {
    case LineFormat::kLogfmt: return tokenize_logfmt(line, out);
    case LineFormat::kJson: return tokenize_json(line, out);
    case LineFormat::kPlain: break;
  }
  return tokenize_plain(line, out);
}

bool LineTokenizer::tokenize_plain(std::string_view text, Tokens& out) const {
  if (text.size() > max_line_length_) return false;
  size_t start = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (out.tokens.size() >= kMaxTokens) break;
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = 1;
    uint8_t cls = kInToken;
    if (c < 0x80) {
      cls = kAscii[c];
    } else {
      int32_t cp = golang::decode_utf8(text, i, len);
      if (cp >= 0 && is_non_ascii_punct(cp)) cls = kDelimiter;
    }
    if (cls != kInToken) {
      if (i > start) out.tokens.push_back(text.substr(start, i - start));
      if (cls == kSpace) {
        out.spaces_after.push_back(static_cast<int32_t>(out.tokens.size()) - 1);
      } else {
        out.tokens.push_back(text.substr(i, len));
      }
      start = i + len;
    }
    i += len;
  }
  if (start < text.size()) out.tokens.push_back(text.substr(start));
  return true;
}

bool LineTokenizer::tokenize_logfmt(std::string_view line, Tokens& out) {
  if (line.size() > max_line_length_) return false;
  // Unquoted values are never longer than the line: with this reserve the views stay valid.
  scratch_.clear();
  scratch_.reserve(line.size());
  logql::log::LogfmtDecoder dec;
  dec.reset(line);
  while (!dec.eol() && dec.scan()) {
    std::string_view key = dec.key(), value = dec.value();
    if (!key.empty() && (key.data() < line.data() || key.data() >= line.data() + line.size())) {
      size_t at = scratch_.size();
      scratch_.append(key);
      key = std::string_view(scratch_).substr(at, key.size());
    }
    if (is_variable_key(key)) {
      value = kPlaceholder;
    } else if (!value.empty() && (value.data() < line.data() || value.data() >= line.data() + line.size())) {
      size_t at = scratch_.size();
      scratch_.append(value);
      value = std::string_view(scratch_).substr(at, value.size());
    }
    out.tokens.push_back(key);
    out.tokens.push_back(value);
  }
  return dec.error().empty();
}

bool LineTokenizer::tokenize_json(std::string_view line, Tokens& out) {
  std::string key_buf;
  std::string_view found;
  size_t found_rank = kJsonMessageFields.size();
  const char* err = logql::log::json::object_each(
      line, key_buf, [&](std::string_view key, std::string_view value, logql::log::json::Type type) -> const char* {
        if (type != logql::log::json::Type::String) return nullptr;
        for (size_t r = 0; r < found_rank; ++r) {
          if (kJsonMessageFields[r] == key) {
            found = value;
            found_rank = r;
            break;
          }
        }
        return nullptr;
      });
  if (err != nullptr || found_rank == kJsonMessageFields.size()) return false;
  return tokenize_plain(found, out);
}

std::string LineTokenizer::join(const std::vector<std::string>& tokens, const std::vector<int32_t>& spaces_after) const {
  std::string out;
  if (format_ == LineFormat::kLogfmt) {
    for (size_t i = 0; i < tokens.size(); i += 2) {
      if (!out.empty()) out += ' ';
      out += tokens[i];
      out += '=';
      const std::string empty;
      const std::string& v = i + 1 < tokens.size() ? tokens[i + 1] : empty;
      if (v != kPlaceholder && logfmt_needs_quotes(v)) {
        out += golang::quote(v);
      } else {
        out += v;
      }
    }
    return collapse_placeholders(std::move(out));
  }
  if (format_ == LineFormat::kJson) out += kPlaceholder;
  size_t space = 0;
  while (space < spaces_after.size() && spaces_after[space] < 0) ++space;  // leading spaces are not kept
  for (size_t i = 0; i < tokens.size(); ++i) {
    out += tokens[i];
    for (; space < spaces_after.size() && spaces_after[space] == static_cast<int32_t>(i); ++space) out += ' ';
  }
  if (format_ == LineFormat::kJson) out += kPlaceholder;
  return collapse_placeholders(std::move(out));
}

std::string collapse_placeholders(std::string text) {
  const std::string twice = std::string(kPlaceholder) + std::string(kPlaceholder);
  size_t at = text.find(twice);
  if (at == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, kPlaceholder.size(), kPlaceholder) == 0) {
      out += kPlaceholder;
      i += kPlaceholder.size();
      while (text.compare(i, kPlaceholder.size(), kPlaceholder) == 0) i += kPlaceholder.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace pattern
