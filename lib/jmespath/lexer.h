// JMESPath tokenizer: expression text -> tokens with their column. Not thread-safe (one per parse).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace jmespath {

enum class TokenType : uint8_t {
  kEof,
  kUnquotedIdentifier,
  kQuotedIdentifier,
  kRawString,  // 'text'
  kLiteral,    // `json`
  kNumber,
  kDot,
  kStar,
  kFlatten,  // []
  kFilter,   // [?
  kLbracket,
  kRbracket,
  kLbrace,
  kRbrace,
  kLparen,
  kRparen,
  kComma,
  kColon,
  kPipe,
  kOr,
  kAnd,
  kNot,
  kExpref,  // &
  kCurrent,  // @
  kEq,
  kNe,
  kLt,
  kLte,
  kGt,
  kGte,
};

struct Token {
  TokenType type = TokenType::kEof;
  std::string text;      // identifier name, decoded string
  nlohmann::json value;  // kLiteral
  int64_t number = 0;    // kNumber
  size_t column = 0;     // 0-based offset in the expression
};

util::Result<std::vector<Token>> tokenize(std::string_view text);

const char* token_name(TokenType t);

}  // namespace jmespath
