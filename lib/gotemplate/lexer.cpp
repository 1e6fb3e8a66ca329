#include "gotemplate/lexer.h"

#include <algorithm>

#include "golang/quote.h"

namespace gotemplate {

namespace {

constexpr std::string_view kLeft = "{{", kRight = "}}";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_alnum(char c) {
  // Go accepts Unicode letters too; any non-ASCII byte is taken as part of a letter.
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         static_cast<unsigned char>(c) >= 0x80;
}

class Lexer {
 public:
  Lexer(std::string_view src, LexError& err) : s_(src), err_(err) {}

  std::vector<Token> run() {
    while (ok_ && pos_ <= s_.size()) {
      if (!lex_text()) break;
      if (!ok_) break;
      lex_action();
    }
    if (ok_) emit(Tok::kEOF, pos_, pos_);
    return std::move(toks_);
  }

 private:
  int line_at(size_t p) const { return 1 + static_cast<int>(std::count(s_.begin(), s_.begin() + static_cast<long>(p), '\n')); }
  void emit(Tok t, size_t start, size_t end) { toks_.push_back({t, s_.substr(start, end - start), start, line_at(start)}); }
  void fail(std::string msg) {
    if (!ok_) return;
    ok_ = false;
    err_ = {std::move(msg), line_at(std::min(pos_, s_.size()))};
  }
  // " -}}" at p?
  bool right_trim_at(size_t p) const {
    return p + 1 < s_.size() && is_space(s_[p]) && s_[p + 1] == '-' && s_.substr(p + 2, 2) == kRight;
  }

  // Emits text up to the next "{{" (or the end). Returns false at the end of input.
  bool lex_text() {
    size_t start = pos_;
    size_t x = s_.find(kLeft, pos_);
    size_t end = x == std::string_view::npos ? s_.size() : x;
    size_t text_end = end;
    if (x != std::string_view::npos && x + 3 < s_.size() && s_[x + 2] == '-' && is_space(s_[x + 3])) {
      while (text_end > start && is_space(s_[text_end - 1])) --text_end;
    }
    if (trim_next_) {
      while (start < text_end && is_space(s_[start])) ++start;
      trim_next_ = false;
    }
    if (text_end > start) emit(Tok::kText, start, text_end);
    if (x == std::string_view::npos) {
      pos_ = s_.size();
      return false;
    }
    pos_ = x;
    return true;
  }

  void lex_action() {
    size_t delim_start = pos_;
    pos_ += kLeft.size();
    bool trim = pos_ + 1 < s_.size() && s_[pos_] == '-' && is_space(s_[pos_ + 1]);
    size_t after = trim ? pos_ + 2 : pos_;
    if (s_.substr(after, 2) == "/*") {  // comment
      pos_ = after + 2;
      size_t x = s_.find("*/", pos_);
      if (x == std::string_view::npos) return fail("unclosed comment");
      pos_ = x + 2;
      if (right_trim_at(pos_)) {
        trim_next_ = true;
        pos_ += 4;
      } else if (s_.substr(pos_, 2) == kRight) {
        pos_ += 2;
      } else {
        return fail("comment ends before closing delimiter");
      }
      return;
    }
    emit(Tok::kLeftDelim, delim_start, pos_);
    pos_ = after;
    int paren_depth = 0;
    while (ok_) {
      if (right_trim_at(pos_) || s_.substr(pos_, 2) == kRight) {
        if (paren_depth > 0) return fail("unclosed left paren");
        if (s_.substr(pos_, 2) != kRight) {
          trim_next_ = true;
          pos_ += 2;
        }
        emit(Tok::kRightDelim, pos_, pos_ + 2);
        pos_ += 2;
        return;
      }
      if (pos_ >= s_.size()) return fail("unclosed action");
      char c = s_[pos_];
      size_t start = pos_;
      if (is_space(c)) {
        while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
        // A single space before "-}}" is the trim marker itself.
        if (right_trim_at(pos_ - 1)) {
          --pos_;
          if (pos_ == start) continue;
        }
        emit(Tok::kSpace, start, pos_);
        continue;
      }
      switch (c) {
        case '=': ++pos_; emit(Tok::kAssign, start, pos_); continue;
        case ':':
          if (pos_ + 1 >= s_.size() || s_[pos_ + 1] != '=') return fail("expected :=");
          pos_ += 2;
          emit(Tok::kDeclare, start, pos_);
          continue;
        case '|': ++pos_; emit(Tok::kPipe, start, pos_); continue;
        case '"':
        case '`':
        case '\'': {
          size_t n = golang::string_literal_length(s_.substr(pos_));
          if (n == 0) return fail(c == '`' ? "unterminated raw quoted string" : c == '"' ? "unterminated quoted string" : "unterminated character constant");
          pos_ += n;
          emit(c == '"' ? Tok::kString : c == '`' ? Tok::kRawString : Tok::kCharConstant, start, pos_);
          continue;
        }
        case '$':
          ++pos_;
          while (pos_ < s_.size() && is_alnum(s_[pos_])) ++pos_;
          if (!at_terminator()) return fail(std::string("bad character U+") + hex4(s_[pos_]));
          emit(Tok::kVariable, start, pos_);
          continue;
        case '(': ++pos_; ++paren_depth; emit(Tok::kLeftParen, start, pos_); continue;
        case ')':
          ++pos_;
          if (--paren_depth < 0) return fail("unexpected right paren");
          emit(Tok::kRightParen, start, pos_);
          continue;
        default: break;
      }
      if (c == '.' && !(pos_ + 1 < s_.size() && s_[pos_ + 1] >= '0' && s_[pos_ + 1] <= '9')) {
        ++pos_;
        while (pos_ < s_.size() && is_alnum(s_[pos_])) ++pos_;
        if (!at_terminator()) return fail(std::string("bad character U+") + hex4(s_[pos_]));
        emit(pos_ == start + 1 ? Tok::kDot : Tok::kField, start, pos_);
        continue;
      }
      if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
        if (!scan_number()) return fail("bad number syntax: \"" + std::string(s_.substr(start, pos_ - start)) + "\"");
        emit(Tok::kNumber, start, pos_);
        continue;
      }
      if (is_alnum(c)) {
        while (pos_ < s_.size() && is_alnum(s_[pos_])) ++pos_;
        if (!at_terminator()) return fail(std::string("bad character U+") + hex4(s_[pos_]));
        std::string_view w = s_.substr(start, pos_ - start);
        Tok t = Tok::kIdentifier;
        static const std::pair<std::string_view, Tok> kKeywords[] = {
            {"if", Tok::kIf},         {"else", Tok::kElse},         {"end", Tok::kEnd},     {"range", Tok::kRange},
            {"with", Tok::kWith},     {"define", Tok::kDefine},     {"template", Tok::kTemplate},
            {"block", Tok::kBlock},   {"break", Tok::kBreak},       {"continue", Tok::kContinue},
            {"nil", Tok::kNil},       {"true", Tok::kBool},         {"false", Tok::kBool}};
        for (const auto& [k, kt] : kKeywords)
          if (w == k) t = kt;
        emit(t, start, pos_);
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x7f && c >= 0x20) {
        ++pos_;
        emit(Tok::kChar, start, pos_);
        continue;
      }
      return fail(std::string("unrecognized character in action: U+") + hex4(c));
    }
  }

  static std::string hex4(char c) {
    static const char kHex[] = "0123456789ABCDEF";
    unsigned v = static_cast<unsigned char>(c);
    return std::string("00") + kHex[v >> 4] + kHex[v & 15];
  }

  bool at_terminator() const {
    if (pos_ >= s_.size()) return true;
    char c = s_[pos_];
    if (is_space(c)) return true;
    switch (c) {
      case '.': case ',': case '|': case ':': case ')': case '(': return true;
      default: return s_.substr(pos_, 2) == kRight;
    }
  }

  bool accept(std::string_view valid) {
    if (pos_ < s_.size() && valid.find(s_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }
  void accept_run(std::string_view valid) {
    while (accept(valid)) {
    }
  }

  // Go's scanNumber: sign, base prefix, digits with underscores, fraction, exponent.
  bool scan_number() {
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (accept("oO")) digits = "01234567_";
      else if (accept("bB")) digits = "01_";
    }
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (digits.size() == 11 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 23 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (pos_ < s_.size() && is_alnum(s_[pos_])) {
      ++pos_;
      return false;
    }
    return true;
  }

  std::string_view s_;
  LexError& err_;
  size_t pos_ = 0;
  bool ok_ = true;
  bool trim_next_ = false;
  std::vector<Token> toks_;
};

}  // namespace

std::vector<Token> lex_template(std::string_view src, LexError& err) {
  Lexer l(src, err);
  return l.run();
}

}  // namespace gotemplate
