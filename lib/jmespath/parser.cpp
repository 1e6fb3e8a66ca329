#include "jmespath/parser.h"

#include <stdexcept>

#include "jmespath/lexer.h"

namespace jmespath {

namespace {

// Binding powers, from the JMESPath reference implementation: the higher, the tighter.
int binding_power(TokenType t) {
  switch (t) {
    case TokenType::kPipe: return 1;
    case TokenType::kOr: return 2;
    case TokenType::kAnd: return 3;
    case TokenType::kEq:
    case TokenType::kNe:
    case TokenType::kLt:
    case TokenType::kLte:
    case TokenType::kGt:
    case TokenType::kGte: return 5;
    case TokenType::kFlatten: return 9;
    case TokenType::kStar: return 20;
    case TokenType::kFilter: return 21;
    case TokenType::kDot: return 40;
    case TokenType::kNot: return 45;
    case TokenType::kLbrace: return 50;
    case TokenType::kLbracket: return 55;
    case TokenType::kLparen: return 60;
    default: return 0;
  }
}

// Parse failures unwind with this inside the parser only; parse() turns it into a util::Error.
struct SyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

NodePtr make(NodeKind k) {
  auto n = std::make_unique<Node>();
  n->kind = k;
  return n;
}

NodePtr make2(NodeKind k, NodePtr a, NodePtr b) {
  auto n = make(k);
  n->children.push_back(std::move(a));
  n->children.push_back(std::move(b));
  return n;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  NodePtr parse_all() {
    NodePtr n = expression(0);
    if (peek().type != TokenType::kEof) fail("unexpected " + std::string(token_name(peek().type)));
    return n;
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& advance() {
    const Token& t = peek();
    if (pos_ < toks_.size() - 1) ++pos_;
    return t;
  }
  [[noreturn]] void fail(const std::string& msg) const { fail_at(peek().column, msg); }
  [[noreturn]] static void fail_at(size_t column, const std::string& msg) {
    throw SyntaxError("jmespath syntax error at column " + std::to_string(column) + ": " + msg);
  }
  void expect(TokenType t) {
    if (peek().type != t) {
      fail(std::string("expected ") + token_name(t) + ", found " + token_name(peek().type));
    }
    advance();
  }

  NodePtr expression(int rbp) {
    NodePtr left = nud(advance());
    while (rbp < binding_power(peek().type)) left = led(advance(), std::move(left));
    return left;
  }

  NodePtr nud(const Token& t) {
    switch (t.type) {
      case TokenType::kLiteral: {
        auto n = make(NodeKind::kLiteral);
        n->literal = t.value;
        return n;
      }
      case TokenType::kRawString: {
        auto n = make(NodeKind::kLiteral);
        n->literal = t.text;
        return n;
      }
      case TokenType::kUnquotedIdentifier: {
        auto n = make(NodeKind::kField);
        n->name = t.text;
        return n;
      }
      case TokenType::kQuotedIdentifier: {
        if (peek().type == TokenType::kLparen) fail("quoted identifiers cannot be function names");
        auto n = make(NodeKind::kField);
        n->name = t.text;
        return n;
      }
      case TokenType::kStar: {
        NodePtr right = projection_rhs(binding_power(TokenType::kStar));
        return make2(NodeKind::kValueProjection, make(NodeKind::kCurrent), std::move(right));
      }
      case TokenType::kFilter: return filter(make(NodeKind::kCurrent));
      case TokenType::kLbrace: return multi_hash();
      case TokenType::kFlatten: {
        auto flat = make(NodeKind::kFlatten);
        flat->children.push_back(make(NodeKind::kCurrent));
        NodePtr right = projection_rhs(binding_power(TokenType::kFlatten));
        return make2(NodeKind::kProjection, std::move(flat), std::move(right));
      }
      case TokenType::kLbracket: {
        TokenType next = peek().type;
        if (next == TokenType::kNumber || next == TokenType::kColon) {
          return project_if_slice(make(NodeKind::kCurrent), index_expression());
        }
        if (next == TokenType::kStar && peek(1).type == TokenType::kRbracket) {
          advance();
          advance();
          NodePtr right = projection_rhs(binding_power(TokenType::kStar));
          return make2(NodeKind::kProjection, make(NodeKind::kCurrent), std::move(right));
        }
        return multi_list();
      }
      case TokenType::kCurrent: return make(NodeKind::kCurrent);
      case TokenType::kExpref: {
        auto n = make(NodeKind::kExpRef);
        n->children.push_back(expression(0));
        return n;
      }
      case TokenType::kNot: {
        auto n = make(NodeKind::kNot);
        n->children.push_back(expression(binding_power(TokenType::kNot)));
        return n;
      }
      case TokenType::kLparen: {
        NodePtr n = expression(0);
        expect(TokenType::kRparen);
        return n;
      }
      default:
        fail_at(t.column, "unexpected " + std::string(token_name(t.type)));
    }
  }

  NodePtr led(const Token& t, NodePtr left) {
    switch (t.type) {
      case TokenType::kDot: {
        if (peek().type == TokenType::kStar) {
          advance();
          NodePtr right = projection_rhs(binding_power(TokenType::kDot));
          return make2(NodeKind::kValueProjection, std::move(left), std::move(right));
        }
        NodePtr right = dot_rhs(binding_power(TokenType::kDot));
        return make2(NodeKind::kSubexpression, std::move(left), std::move(right));
      }
      case TokenType::kPipe: return make2(NodeKind::kPipe, std::move(left), expression(binding_power(t.type)));
      case TokenType::kOr: return make2(NodeKind::kOr, std::move(left), expression(binding_power(t.type)));
      case TokenType::kAnd: return make2(NodeKind::kAnd, std::move(left), expression(binding_power(t.type)));
      case TokenType::kLparen: {
        if (left->kind != NodeKind::kField) fail("only identifiers can be called as functions");
        auto fn = make(NodeKind::kFunction);
        fn->name = left->name;
        while (peek().type != TokenType::kRparen) {
          fn->children.push_back(expression(0));
          if (peek().type == TokenType::kComma) {
            advance();
            if (peek().type == TokenType::kRparen) fail("expected an argument after ','");
          } else if (peek().type != TokenType::kRparen) {
            fail(std::string("expected ',' or ')', found ") + token_name(peek().type));
          }
        }
        advance();
        return fn;
      }
      case TokenType::kFilter: return filter(std::move(left));
      case TokenType::kFlatten: {
        auto flat = make(NodeKind::kFlatten);
        flat->children.push_back(std::move(left));
        NodePtr right = projection_rhs(binding_power(TokenType::kFlatten));
        return make2(NodeKind::kProjection, std::move(flat), std::move(right));
      }
      case TokenType::kEq:
      case TokenType::kNe:
      case TokenType::kLt:
      case TokenType::kLte:
      case TokenType::kGt:
      case TokenType::kGte: {
        auto n = make2(NodeKind::kCompare, std::move(left), expression(binding_power(t.type)));
        n->cmp = t.type == TokenType::kEq    ? Comparator::kEq
                 : t.type == TokenType::kNe  ? Comparator::kNe
                 : t.type == TokenType::kLt  ? Comparator::kLt
                 : t.type == TokenType::kLte ? Comparator::kLte
                 : t.type == TokenType::kGt  ? Comparator::kGt
                                             : Comparator::kGte;
        return n;
      }
      case TokenType::kLbracket: {
        TokenType next = peek().type;
        if (next == TokenType::kNumber || next == TokenType::kColon) {
          return project_if_slice(std::move(left), index_expression());
        }
        expect(TokenType::kStar);
        expect(TokenType::kRbracket);
        NodePtr right = projection_rhs(binding_power(TokenType::kStar));
        return make2(NodeKind::kProjection, std::move(left), std::move(right));
      }
      default:
        fail_at(t.column, "unexpected " + std::string(token_name(t.type)));
    }
  }

  // After `[`: an index `[2]` or a slice `[a:b:c]`, up to and including `]`.
  NodePtr index_expression() {
    std::optional<int64_t> parts[3];
    int part = 0;
    bool saw_colon = false;
    while (peek().type != TokenType::kRbracket) {
      if (peek().type == TokenType::kColon) {
        saw_colon = true;
        if (++part > 2) fail("too many colons in slice");
        advance();
      } else if (peek().type == TokenType::kNumber) {
        if (parts[part]) fail("expected ':' or ']'");
        parts[part] = advance().number;
      } else {
        fail(std::string("expected a number, ':' or ']', found ") + token_name(peek().type));
      }
    }
    advance();
    if (!saw_colon) {
      auto n = make(NodeKind::kIndex);
      n->index = *parts[0];
      return n;
    }
    auto n = make(NodeKind::kSlice);
    n->start = parts[0];
    n->stop = parts[1];
    n->step = parts[2];
    if (n->step && *n->step == 0) fail("slice step cannot be 0");
    return n;
  }

  NodePtr project_if_slice(NodePtr left, NodePtr index) {
    bool slice = index->kind == NodeKind::kSlice;
    NodePtr sub = make2(NodeKind::kSubexpression, std::move(left), std::move(index));
    if (!slice) return sub;
    NodePtr right = projection_rhs(binding_power(TokenType::kStar));
    return make2(NodeKind::kProjection, std::move(sub), std::move(right));
  }

  NodePtr filter(NodePtr left) {
    NodePtr cond = expression(0);
    expect(TokenType::kRbracket);
    NodePtr right = projection_rhs(binding_power(TokenType::kFilter));
    auto n = make2(NodeKind::kFilter, std::move(left), std::move(right));
    n->children.push_back(std::move(cond));
    return n;
  }

  // What follows a projection: nothing (identity) when the next token binds loosely, else a
  // bracket/filter/dot continuation that is applied to every projected element.
  NodePtr projection_rhs(int rbp) {
    TokenType next = peek().type;
    if (binding_power(next) < 10) return make(NodeKind::kCurrent);
    if (next == TokenType::kLbracket || next == TokenType::kFilter || next == TokenType::kFlatten) {
      return expression(rbp);
    }
    if (next == TokenType::kDot) {
      advance();
      return dot_rhs(rbp);
    }
    fail(std::string("unexpected ") + token_name(next) + " after projection");
  }

  NodePtr dot_rhs(int rbp) {
    TokenType next = peek().type;
    if (next == TokenType::kUnquotedIdentifier || next == TokenType::kQuotedIdentifier || next == TokenType::kStar) {
      return expression(rbp);
    }
    if (next == TokenType::kLbracket) {
      advance();
      return multi_list();
    }
    if (next == TokenType::kLbrace) {
      advance();
      return multi_hash();
    }
    fail(std::string("expected an identifier, '*', '[' or '{' after '.', found ") + token_name(next));
  }

  NodePtr multi_list() {
    auto n = make(NodeKind::kMultiList);
    while (true) {
      n->children.push_back(expression(0));
      if (peek().type == TokenType::kRbracket) break;
      expect(TokenType::kComma);
    }
    advance();
    return n;
  }

  NodePtr multi_hash() {
    auto n = make(NodeKind::kMultiHash);
    while (true) {
      const Token& key = peek();
      if (key.type != TokenType::kUnquotedIdentifier && key.type != TokenType::kQuotedIdentifier) {
        fail(std::string("expected a key name, found ") + token_name(key.type));
      }
      n->keys.push_back(advance().text);
      expect(TokenType::kColon);
      n->children.push_back(expression(0));
      if (peek().type == TokenType::kRbrace) break;
      expect(TokenType::kComma);
    }
    advance();
    return n;
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

util::Result<NodePtr> parse(std::string_view text) {
  auto tokens = tokenize(text);
  if (!tokens.ok()) return tokens.status_error();
  try {
    Parser p(std::move(tokens).value());
    return p.parse_all();
  } catch (const SyntaxError& e) {
    return util::Error{e.what()};
  }
}

}  // namespace jmespath
