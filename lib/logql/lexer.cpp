#include "logql/lexer.h"

#include <cctype>

#include "golang/quote.h"
#include "golang/utf8.h"
#include "model/time.h"
#include "util/strings.h"

namespace logql {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Runes Loki lets a duration suffix contain: digits, '.', and the unit letters (µ is two bytes).
size_t duration_run(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size()) {
    char c = s[j];
    if (is_digit(c) || c == '.' || c == 'n' || c == 'u' || c == 'm' || c == 's' || c == 'h' || c == 'd' ||
        c == 'w' || c == 'y') {
      ++j;
    } else if (s.substr(j, 2) == "\xc2\xb5") {  // µ
      j += 2;
    } else {
      break;
    }
  }
  return j;
}

size_t bytes_run(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size()) {
    char c = s[j];
    if (is_digit(c) || c == '.' || c == 'B' || c == 'i' || c == 'k' || c == 'K' || c == 'M' || c == 'G' ||
        c == 'T' || c == 'P') {
      ++j;
    } else {
      break;
    }
  }
  return j;
}

bool is_hex_digit(char c) { return util::hex_value(c) >= 0; }
char lower(char c) { return static_cast<char>(c | ('x' - 'X')); }

// A number literal as Go's text/scanner reads it (Loki's lexer is built on it): the token's length
// and, for a malformed literal, the scanner's message. The value is left to the parser, which reads
// it with strconv.ParseFloat as Loki does, so `0x1F` lexes as one token but fails to parse, while
// `0x1p4` is 16.
struct NumberScan {
  size_t length = 0;
  std::string error;
};

NumberScan scan_number(std::string_view s, size_t i) {
  NumberScan out;
  size_t j = i;
  char prefix = 0;  // 0 decimal, '0' legacy octal, 'x', 'o', 'b'
  int base = 10;
  bool digits = false, separators = false, is_float = false;
  char invalid = 0;
  auto scan_digits = [&](int b) {
    while (j < s.size()) {
      char c = s[j];
      if (c == '_') {
        separators = true;
      } else if (b <= 10 ? is_digit(c) : is_hex_digit(c)) {
        digits = true;
        if (b < 10 && c >= '0' + b && !invalid) invalid = c;
      } else {
        break;
      }
      ++j;
    }
  };
  if (s[j] != '.') {
    if (s[j] == '0') {
      ++j;
      char p = j < s.size() ? lower(s[j]) : 0;
      if (p == 'x' || p == 'o' || p == 'b') {
        ++j;
        prefix = p;
        base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      } else {
        prefix = '0';
        base = 8;
        digits = true;  // the leading 0
      }
    }
    scan_digits(base);
  }
  if (j < s.size() && s[j] == '.') {
    ++j;
    is_float = true;
    if (prefix == 'o' || prefix == 'b') out.error = "invalid radix point in ";
    scan_digits(base);
  }
  auto literal_name = [&] {
    switch (prefix) {
      case 'x': return std::string("hexadecimal literal");
      case 'o': case '0': return std::string("octal literal");
      case 'b': return std::string("binary literal");
      default: return std::string("decimal literal");
    }
  };
  if (!out.error.empty()) out.error += literal_name();
  if (!digits && out.error.empty()) out.error = literal_name() + " has no digits";
  char e = j < s.size() ? lower(s[j]) : 0;
  if (e == 'e' || e == 'p') {
    if (out.error.empty() && e == 'e' && prefix != 0 && prefix != '0')
      out.error = std::string("'") + s[j] + "' exponent requires decimal mantissa";
    if (out.error.empty() && e == 'p' && prefix != 'x')
      out.error = std::string("'") + s[j] + "' exponent requires hexadecimal mantissa";
    ++j;
    is_float = true;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    bool exp_digits = false;
    while (j < s.size() && (is_digit(s[j]) || s[j] == '_')) {
      if (s[j] == '_') {
        separators = true;
      } else {
        exp_digits = true;
      }
      ++j;
    }
    if (!exp_digits && out.error.empty()) out.error = "exponent has no digits";
  } else if (prefix == 'x' && is_float && out.error.empty()) {
    out.error = "hexadecimal mantissa requires a 'p' exponent";
  }
  if (!is_float && invalid && out.error.empty())
    out.error = std::string("invalid digit '") + invalid + "' in " + literal_name();
  if (separators && out.error.empty()) {
    // '_' must sit between digits (or right after a base prefix).
    std::string_view lit = s.substr(i, j - i);
    size_t k = (prefix == 'x' || prefix == 'o' || prefix == 'b') ? 2 : 0;
    char prev = k ? '0' : '^';
    for (; k < lit.size(); ++k) {
      char c = lit[k];
      bool digit = prefix == 'x' ? is_hex_digit(c) : is_digit(c);
      if (c == '_') {
        if (prev != '0') break;
        prev = '_';
      } else if (digit) {
        prev = '0';
      } else {
        if (prev == '_') break;
        prev = '!';
      }
    }
    if (k < lit.size() || prev == '_') out.error = "'_' must separate successive digits";
  }
  out.length = j - i;
  return out;
}

}  // namespace

LineCol line_col(std::string_view query, size_t offset) {
  LineCol lc;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < query.size(); ++i) {
    if (query[i] == '\n') {
      ++lc.line;
      line_start = i + 1;
    }
  }
  lc.byte_col = static_cast<int>(offset - line_start) + 1;
  int chars = 0;
  for (size_t i = line_start; i < offset && i < query.size(); ++i) {
    if ((static_cast<unsigned char>(query[i]) & 0xC0) != 0x80) ++chars;
  }
  lc.col = chars + 1;
  return lc;
}

std::string format_parse_error(std::string_view query, size_t offset, std::string_view message) {
  if (offset == SIZE_MAX) return "parse error : " + std::string(message);  // Loki's line 0, col 0
  LineCol lc = line_col(query, offset);
  return "parse error at line " + std::to_string(lc.line) + ", col " + std::to_string(lc.col) + ": " +
         std::string(message);
}

std::string describe_token(const Token& t) {
  switch (t.kind) {
    case Tok::End: return "$end";
    case Tok::Identifier: return "IDENTIFIER";
    case Tok::String: return "STRING";
    case Tok::Number: return "NUMBER";
    case Tok::Duration: return "DURATION";
    case Tok::Bytes: return "BYTES";
    case Tok::Range: return "RANGE";
    case Tok::Flag: return "FUNCTION_FLAG";
    case Tok::LBrace: return "{";
    case Tok::RBrace: return "}";
    case Tok::LParen: return "(";
    case Tok::RParen: return ")";
    case Tok::Comma: return ",";
    case Tok::Eq: return "=";
    case Tok::Neq: return "!=";
    case Tok::Re: return "=~";
    case Tok::Nre: return "!~";
    case Tok::Npa: return "!>";
    case Tok::PipeExact: return "|=";
    case Tok::PipeMatch: return "|~";
    case Tok::PipePattern: return "|>";
    case Tok::Pipe: return "|";
    case Tok::CmpEq: return "==";
    case Tok::Gt: return ">";
    case Tok::Gte: return ">=";
    case Tok::Lt: return "<";
    case Tok::Lte: return "<=";
    case Tok::Add: return "+";
    case Tok::Sub: return "-";
    case Tok::Mul: return "*";
    case Tok::Div: return "/";
    case Tok::Mod: return "%";
    case Tok::Pow: return "^";
  }
  return "?";
}

util::Result<std::vector<Token>> tokenize(std::string_view q) {
  std::vector<Token> out;
  auto fail = [&](size_t at, std::string_view msg) { return util::Error{format_parse_error(q, at, msg)}; };
  size_t i = 0;
  while (true) {
    while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i]))) ++i;
    if (i < q.size() && q[i] == '#') {  // comment to end of line
      while (i < q.size() && q[i] != '\n') ++i;
      continue;
    }
    Token t;
    t.offset = i;
    if (i >= q.size()) {
      out.push_back(std::move(t));
      return out;
    }
    char c = q[i];
    auto two = q.substr(i, 2);
    auto simple = [&](Tok k, size_t len) {
      t.kind = k;
      i += len;
    };
    if (c == '"' || c == '`') {
      size_t len = golang::string_literal_length(q.substr(i));
      if (len == 0) return fail(i, c == '"' ? "literal not terminated" : "raw literal not terminated");
      std::string_view lit = q.substr(i, len);
      if (!golang::is_valid_utf8(lit)) return fail(i, "invalid UTF-8 rune");
      auto v = golang::unquote(lit);
      if (!v.ok()) return fail(i, v.error());
      t.kind = Tok::String;
      t.text = std::move(v.value());
      i += len;
    } else if (is_ident_start(c)) {
      size_t j = i;
      while (j < q.size() && is_ident_char(q[j])) ++j;
      t.kind = Tok::Identifier;
      t.text = std::string(q.substr(i, j - i));
      i = j;
    } else if (is_digit(c) || (c == '.' && i + 1 < q.size() && is_digit(q[i + 1]))) {
      NumberScan scanned = scan_number(q, i);
      if (!scanned.error.empty()) return fail(i, scanned.error);
      size_t n = scanned.length;
      std::string_view num = q.substr(i, n);
      size_t d = duration_run(q, i + n);
      size_t b = bytes_run(q, i + n);
      t.text = std::string(num);
      if (d > i + n) {
        if (auto dur = model::parse_duration(q.substr(i, d - i)); dur.ok()) {
          t.kind = Tok::Duration;
          t.duration_ns = dur.value();
          t.text = std::string(q.substr(i, d - i));
          i = d;
          out.push_back(std::move(t));
          continue;
        }
      }
      if (b > i + n) {
        if (auto by = model::parse_bytes(q.substr(i, b - i)); by.ok()) {
          t.kind = Tok::Bytes;
          t.bytes = by.value();
          t.text = std::string(q.substr(i, b - i));
          i = b;
          out.push_back(std::move(t));
          continue;
        }
      }
      t.kind = Tok::Number;
      i += n;
    } else if (c == '[') {
      size_t close = q.find(']', i + 1);
      if (close == std::string_view::npos) return fail(i, "missing closing ']' in duration");
      std::string_view body = q.substr(i + 1, close - i - 1);
      auto dur = model::parse_duration(body);
      if (!dur.ok() || body.empty() || body[0] == '-' || body[0] == '+') {
        return fail(i, "not a valid duration string: \"" + std::string(body) + "\"");
      }
      t.kind = Tok::Range;
      t.text = std::string(body);
      t.duration_ns = dur.value();
      i = close + 1;
    } else if (c == '-' && two == "--") {
      // A flag is `--` and a word of letters and hyphens; only the two known words can be one,
      // so look no further than their length (scanning the whole run here made a chain of
      // minus signs quadratic).
      std::string_view flag;
      for (std::string_view known : {std::string_view("--strict"), std::string_view("--keep-empty")}) {
        if (q.substr(i, known.size()) != known) continue;
        size_t j = i + known.size();
        if (j == q.size() || !(std::isalpha(static_cast<unsigned char>(q[j])) || q[j] == '-')) flag = known;
      }
      if (!flag.empty()) {
        t.kind = Tok::Flag;
        t.text = std::string(flag);
        i += flag.size();
      } else {
        simple(Tok::Sub, 1);
      }
    } else if (c == '-' && i + 1 < q.size() && (is_digit(q[i + 1]) || q[i + 1] == '.')) {
      // Loki reads `-5m` as one negative duration token; a plain `-5` stays minus + number.
      size_t d = duration_run(q, i + 1);
      auto dur = model::parse_duration(q.substr(i, d - i));
      bool has_unit = false;
      for (size_t k = i + 1; k < d; ++k) has_unit |= !(is_digit(q[k]) || q[k] == '.');
      if (has_unit && dur.ok()) {
        t.kind = Tok::Duration;
        t.duration_ns = dur.value();
        t.text = std::string(q.substr(i, d - i));
        i = d;
      } else {
        simple(Tok::Sub, 1);
      }
    } else if (two == "!=") {
      simple(Tok::Neq, 2);
    } else if (two == "=~") {
      simple(Tok::Re, 2);
    } else if (two == "!~") {
      simple(Tok::Nre, 2);
    } else if (two == "!>") {
      simple(Tok::Npa, 2);
    } else if (two == "|=") {
      simple(Tok::PipeExact, 2);
    } else if (two == "|~") {
      simple(Tok::PipeMatch, 2);
    } else if (two == "|>") {
      simple(Tok::PipePattern, 2);
    } else if (two == "==") {
      simple(Tok::CmpEq, 2);
    } else if (two == ">=") {
      simple(Tok::Gte, 2);
    } else if (two == "<=") {
      simple(Tok::Lte, 2);
    } else {
      switch (c) {
        case '{': simple(Tok::LBrace, 1); break;
        case '}': simple(Tok::RBrace, 1); break;
        case '(': simple(Tok::LParen, 1); break;
        case ')': simple(Tok::RParen, 1); break;
        case ',': simple(Tok::Comma, 1); break;
        case '=': simple(Tok::Eq, 1); break;
        case '|': simple(Tok::Pipe, 1); break;
        case '>': simple(Tok::Gt, 1); break;
        case '<': simple(Tok::Lt, 1); break;
        case '+': simple(Tok::Add, 1); break;
        case '-': simple(Tok::Sub, 1); break;
        case '*': simple(Tok::Mul, 1); break;
        case '/': simple(Tok::Div, 1); break;
        case '%': simple(Tok::Mod, 1); break;
        case '^': simple(Tok::Pow, 1); break;
        default: {
          size_t len = 1;
          golang::decode_utf8(q, i, len);
          return fail(i, "syntax error: unexpected character \"" + std::string(q.substr(i, len)) + "\"");
        }
      }
    }
    out.push_back(std::move(t));
  }
}

}  // namespace logql
