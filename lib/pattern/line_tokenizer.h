// How a log line becomes the tokens Drain clusters, and how a cluster's tokens become the pattern
// text again (`<_>` for every variable part), after Loki's pattern ingester
// (pkg/pattern/drain/line_tokenizer.go):
//
// - the format is guessed once per stream from its first line: JSON when it starts with `{` and
//   ends with `}`, logfmt when the whole line is `key=value` pairs one space apart (Loki's
//   logfmtRegex), else plain text;
// - plain text is split at spaces (kept aside, so the pattern keeps the line's spacing), at `=`
//   and at punctuation (each punctuation character a token of its own), except `_ - . : /`,
//   which stay inside tokens (paths, hosts, versions, durations); at most 127 tokens, the rest
//   of the line being the last one;
// - logfmt lines are key and value tokens (a value quoted as needed when joined); the values of
//   `ts`, `t`, `time`, `timestamp` and `traceID` are always `<_>`;
// - JSON lines are tokenized as plain text of their message field (the first top-level string
//   member among log, message, msg, msg_, _msg, content, as it stands in the line); the pattern
//   is that text between `<_>` and `<_>`; a JSON line without one is not used.
// Lines longer than max_line_length are not used. Consecutive `<_>` in a pattern become one.
//
// Differences from Loki: a non-ASCII punctuation character is one token (Loki cuts it after its
// first byte), and non-ASCII punctuation is recognised for the common blocks (Latin-1, General
// Punctuation, CJK and fullwidth forms) rather than by the whole Unicode table.
//
// Thread-safety: a LineTokenizer is used by one thread at a time (it keeps scratch buffers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pattern {

inline constexpr std::string_view kPlaceholder = "<_>";

enum class LineFormat { kPlain, kLogfmt, kJson };

LineFormat detect_format(std::string_view first_line);
const char* format_name(LineFormat format);

// One line's tokens, viewing the line (or the tokenizer's scratch), valid until the next call.
struct Tokens {
  std::vector<std::string_view> tokens;
  // Plain text: for each space of the line, the index of the token it follows (-1 before the
  // first). Empty for logfmt.
  std::vector<int32_t> spaces_after;
};

class LineTokenizer {
 public:
  LineTokenizer(LineFormat format, size_t max_line_length);
  LineFormat format() const { return format_; }

  // False when the line is not used: too long, a JSON line without a message field, a logfmt
  // line that does not decode.
  bool tokenize(std::string_view line, Tokens& out);
  // The pattern text of `tokens` (a cluster's template) with `spaces_after` from its first line.
  std::string join(const std::vector<std::string>& tokens, const std::vector<int32_t>& spaces_after) const;

 private:
  bool tokenize_plain(std::string_view text, Tokens& out) const;
  bool tokenize_logfmt(std::string_view line, Tokens& out);
  bool tokenize_json(std::string_view line, Tokens& out);

  LineFormat format_;
  size_t max_line_length_;
  std::string scratch_;  // logfmt values that had to be unquoted (reserved: views stay valid)
};

// Collapses every run of consecutive `<_>` into one.
std::string collapse_placeholders(std::string text);

}  // namespace pattern
