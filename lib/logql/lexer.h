// LogQL lexer: query text -> a flat token vector, scanned once in linear time.
//
// Keywords are not distinguished here: they come out as Identifier tokens and the parser decides by
// context (so a label may be called `json` where a label is expected). Numbers are classified the
// way Loki's lexer does: `250ms` is a Duration, `20KB` Bytes, `1.5` a Number. `[5m]` is a single
// Range token. Not thread-safe per instance; use one Lexer per parse.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace logql {

enum class Tok {
  End,
  Identifier,  // text
  String,      // value (decoded)
  Number,      // text
  Duration,    // text, duration_ns
  Bytes,       // text, bytes
  Range,       // text (inside the brackets), duration_ns
  Flag,        // --strict, --keep-empty
  LBrace, RBrace, LParen, RParen, Comma,
  Eq,          // =
  Neq,         // !=
  Re,          // =~
  Nre,         // !~
  Npa,         // !>
  PipeExact,   // |=
  PipeMatch,   // |~
  PipePattern, // |>
  Pipe,        // |
  CmpEq,       // ==
  Gt, Gte, Lt, Lte,
  Add, Sub, Mul, Div, Mod, Pow,
};

struct Token {
  Tok kind = Tok::End;
  std::string text;  // identifier/number text, decoded string value, range body
  int64_t duration_ns = 0;
  uint64_t bytes = 0;
  size_t offset = 0;  // byte offset of the token's first character in the query
};

// Tokenizes `query`. A lexical error (unterminated string, bad range, stray character) is returned
// already formatted as "parse error at line L, col C: ...".
util::Result<std::vector<Token>> tokenize(std::string_view query);

// How a token is named in "unexpected ..." messages, following Loki's yacc names.
std::string describe_token(const Token& t);

// 1-based line and column (in characters, as Loki's scanner counts) of a byte offset.
struct LineCol {
  int line = 1;
  int col = 1;      // characters
  int byte_col = 1;  // bytes, for ast::Pos
};
LineCol line_col(std::string_view query, size_t offset);

// "parse error at line L, col C: message".
// `offset` SIZE_MAX: no position, as Loki prints errors found while building the AST.
std::string format_parse_error(std::string_view query, size_t offset, std::string_view message);

}  // namespace logql
