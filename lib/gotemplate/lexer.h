// Lexer for Go's text/template syntax: splits a template into text and the tokens of its
// {{ actions }}, applying the {{- and -}} whitespace trim markers and dropping {{/* comments */}}.
// Stateless apart from the token list it returns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace gotemplate {

enum class Tok {
  kText, kLeftDelim, kRightDelim, kSpace, kPipe, kLeftParen, kRightParen, kDeclare, kAssign, kChar,
  kString, kRawString, kCharConstant, kNumber, kBool, kNil, kDot, kField, kVariable, kIdentifier,
  // keywords
  kIf, kElse, kEnd, kRange, kWith, kDefine, kTemplate, kBlock, kBreak, kContinue,
  kEOF,
};

struct Token {
  Tok type;
  std::string_view text;  // points into the template source
  size_t pos;             // byte offset in the source
  int line;               // 1-based line of the token's start
};

// The whole token stream ending in kEOF, or a lexing error message ("unclosed action", ...)
// with the line it occurred on.
struct LexError {
  std::string message;
  int line;
};
std::vector<Token> lex_template(std::string_view src, LexError& err);

}  // namespace gotemplate
