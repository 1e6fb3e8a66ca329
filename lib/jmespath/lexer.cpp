#include "jmespath/lexer.h"

#include <charconv>

namespace jmespath {

namespace {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

util::Error error_at(size_t col, const std::string& msg) {
  return util::Error{"jmespath syntax error at column " + std::to_string(col) + ": " + msg};
}

// Finds the closing `delim` of a delimited token that starts at text[start] (the opening
// delimiter), honouring backslash escapes. Returns npos when unterminated.
size_t find_closing(std::string_view text, size_t start, char delim) {
  for (size_t i = start + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == delim) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

const char* token_name(TokenType t) {
  switch (t) {
    case TokenType::kEof: return "end of expression";
    case TokenType::kUnquotedIdentifier: return "identifier";
    case TokenType::kQuotedIdentifier: return "quoted identifier";
    case TokenType::kRawString: return "raw string";
    case TokenType::kLiteral: return "literal";
    case TokenType::kNumber: return "number";
    case TokenType::kDot: return "'.'";
    case TokenType::kStar: return "'*'";
    case TokenType::kFlatten: return "'[]'";
    case TokenType::kFilter: return "'[?'";
    case TokenType::kLbracket: return "'['";
    case TokenType::kRbracket: return "']'";
    case TokenType::kLbrace: return "'{'";
    case TokenType::kRbrace: return "'}'";
    case TokenType::kLparen: return "'('";
    case TokenType::kRparen: return "')'";
    case TokenType::kComma: return "','";
    case TokenType::kColon: return "':'";
    case TokenType::kPipe: return "'|'";
    case TokenType::kOr: return "'||'";
    case TokenType::kAnd: return "'&&'";
    case TokenType::kNot: return "'!'";
    case TokenType::kExpref: return "'&'";
    case TokenType::kCurrent: return "'@'";
    case TokenType::kEq: return "'=='";
    case TokenType::kNe: return "'!='";
    case TokenType::kLt: return "'<'";
    case TokenType::kLte: return "'<='";
    case TokenType::kGt: return "'>'";
    case TokenType::kGte: return "'>='";
  }
  return "token";
}

util::Result<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  auto push = [&](TokenType t, size_t col) -> Token& {
    out.push_back(Token{});
    out.back().type = t;
    out.back().column = col;
    return out.back();
  };
  while (i < text.size()) {
    char c = text[i];
    size_t col = i;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (is_ident_start(c)) {
      size_t j = i + 1;
      while (j < text.size() && is_ident_char(text[j])) ++j;
      push(TokenType::kUnquotedIdentifier, col).text = std::string(text.substr(i, j - i));
      i = j;
      continue;
    }
    if (is_digit(c) || (c == '-' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      size_t j = i + 1;
      while (j < text.size() && is_digit(text[j])) ++j;
      int64_t n = 0;
      auto [p, ec] = std::from_chars(text.data() + i, text.data() + j, n);
      if (ec != std::errc() || p != text.data() + j) return error_at(col, "invalid number");
      push(TokenType::kNumber, col).number = n;
      i = j;
      continue;
    }
    switch (c) {
      case '"': {
        size_t end = find_closing(text, i, '"');
        if (end == std::string_view::npos) return error_at(col, "unterminated quoted identifier");
        auto parsed = nlohmann::json::parse(text.substr(i, end - i + 1), nullptr, false);
        if (parsed.is_discarded() || !parsed.is_string()) return error_at(col, "invalid quoted identifier");
        push(TokenType::kQuotedIdentifier, col).text = parsed.get<std::string>();
        i = end + 1;
        continue;
      }
      case '\'': {
        size_t end = find_closing(text, i, '\'');
        if (end == std::string_view::npos) return error_at(col, "unterminated raw string");
        std::string s;
        for (size_t k = i + 1; k < end; ++k) {
          // Only \' is an escape in a raw string; any other backslash is kept as is.
          if (text[k] == '\\' && k + 1 < end && text[k + 1] == '\'') ++k;
          s += text[k];
        }
        push(TokenType::kRawString, col).text = std::move(s);
        i = end + 1;
        continue;
      }
      case '`': {
        size_t end = find_closing(text, i, '`');
        if (end == std::string_view::npos) return error_at(col, "unterminated literal");
        std::string raw;
        for (size_t k = i + 1; k < end; ++k) {
          if (text[k] == '\\' && k + 1 < end && text[k + 1] == '`') ++k;
          raw += text[k];
        }
        auto parsed = nlohmann::json::parse(raw, nullptr, false);
        Token& t = push(TokenType::kLiteral, col);
        // Old JMESPath accepted `foo` for the string "foo"; go-jmespath still does, so do we.
        if (parsed.is_discarded()) {
          size_t b = raw.find_first_not_of(" \t\n\r");
          size_t e = raw.find_last_not_of(" \t\n\r");
          t.value = b == std::string::npos ? std::string() : raw.substr(b, e - b + 1);
        } else {
          t.value = std::move(parsed);
        }
        i = end + 1;
        continue;
      }
      case '.': push(TokenType::kDot, col); ++i; continue;
      case '*': push(TokenType::kStar, col); ++i; continue;
      case ']': push(TokenType::kRbracket, col); ++i; continue;
      case '{': push(TokenType::kLbrace, col); ++i; continue;
      case '}': push(TokenType::kRbrace, col); ++i; continue;
      case '(': push(TokenType::kLparen, col); ++i; continue;
      case ')': push(TokenType::kRparen, col); ++i; continue;
      case ',': push(TokenType::kComma, col); ++i; continue;
      case ':': push(TokenType::kColon, col); ++i; continue;
      case '@': push(TokenType::kCurrent, col); ++i; continue;
      case '[':
        if (i + 1 < text.size() && text[i + 1] == ']') {
          push(TokenType::kFlatten, col);
          i += 2;
        } else if (i + 1 < text.size() && text[i + 1] == '?') {
          push(TokenType::kFilter, col);
          i += 2;
        } else {
          push(TokenType::kLbracket, col);
          ++i;
        }
        continue;
      case '|':
        if (i + 1 < text.size() && text[i + 1] == '|') {
          push(TokenType::kOr, col);
          i += 2;
        } else {
          push(TokenType::kPipe, col);
          ++i;
        }
        continue;
      case '&':
        if (i + 1 < text.size() && text[i + 1] == '&') {
          push(TokenType::kAnd, col);
          i += 2;
        } else {
          push(TokenType::kExpref, col);
          ++i;
        }
        continue;
      case '!':
        if (i + 1 < text.size() && text[i + 1] == '=') {
          push(TokenType::kNe, col);
          i += 2;
        } else {
          push(TokenType::kNot, col);
          ++i;
        }
        continue;
      case '=':
        if (i + 1 < text.size() && text[i + 1] == '=') {
          push(TokenType::kEq, col);
          i += 2;
          continue;
        }
        return error_at(col, "'=' is not valid, did you mean '=='?");
      case '<':
      case '>': {
        bool eq = i + 1 < text.size() && text[i + 1] == '=';
        push(c == '<' ? (eq ? TokenType::kLte : TokenType::kLt) : (eq ? TokenType::kGte : TokenType::kGt), col);
        i += eq ? 2 : 1;
        continue;
      }
      default:
        return error_at(col, std::string("unexpected character '") + c + "'");
    }
  }
  push(TokenType::kEof, text.size());
  return out;
}

}  // namespace jmespath
