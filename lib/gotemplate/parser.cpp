#include "gotemplate/parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "golang/utf8.h"
#include "gotemplate/lexer.h"
#include "golang/quote.h"

namespace gotemplate {

namespace {

// Thrown inside the parser only; parse_tree turns it into an error result.
struct ParseError {
  std::string message;
  int line;
};

// Parses an integer literal with Go's base-0 rules (0x, 0o, 0b, leading 0 = octal, underscores).
bool parse_go_int(std::string_view text, int64_t& out, bool& fits_unsigned_only) {
  fits_unsigned_only = false;
  std::string s;
  for (char c : text)
    if (c != '_') s += c;
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int base = 10;
  if (s.size() - i > 1 && s[i] == '0') {
    char p = static_cast<char>(s[i + 1] | 0x20);
    if (p == 'x') base = 16, i += 2;
    else if (p == 'o') base = 8, i += 2;
    else if (p == 'b') base = 2, i += 2;
    else base = 8, i += 1;
  }
  if (i >= s.size()) return false;
  unsigned __int128 v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : 99;
    if (d >= base) return false;
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (v > static_cast<unsigned __int128>(UINT64_MAX)) return false;
  }
  if (neg) {
    if (v > static_cast<unsigned __int128>(INT64_MAX) + 1) return false;
    out = static_cast<int64_t>(-static_cast<__int128>(v));
    return true;
  }
  if (v > static_cast<unsigned __int128>(INT64_MAX)) {
    fits_unsigned_only = true;
    return false;
  }
  out = static_cast<int64_t>(v);
  return true;
}

class Parser {
 public:
  Parser(Tree& tree, std::vector<Token> toks, FunctionSet functions)
      : tree_(tree), toks_(std::move(toks)), functions_(functions) {}

  void parse() {
    tree_.root = std::make_unique<ListNode>();
    while (peek_non_space().type != Tok::kEOF) {
      if (peek().type == Tok::kLeftDelim) {
        size_t save = i_;
        next();
        if (peek_non_space().type == Tok::kDefine) {
          next_non_space();
          parse_definition();
          continue;
        }
        i_ = save;
      }
      Node n = text_or_action();
      if (n.kind == Node::Kind::kText && n.text == "\x01end") error("unexpected {{end}}");
      if (n.kind == Node::Kind::kText && n.text == "\x01else") error("unexpected {{else}}");
      tree_.root->nodes.push_back(std::move(n));
    }
  }

 private:
  [[noreturn]] void error(const std::string& msg) { throw ParseError{msg, cur_line()}; }
  int cur_line() const { return toks_[last_ < toks_.size() ? last_ : toks_.size() - 1].line; }

  const Token& peek() const { return toks_[i_]; }
  const Token& next() {
    last_ = i_;
    const Token& t = toks_[i_];
    if (i_ + 1 < toks_.size()) ++i_;
    return t;
  }
  void backup() { i_ = last_; }
  const Token& next_non_space() {
    while (peek().type == Tok::kSpace) next();
    return next();
  }
  const Token& peek_non_space() {
    while (peek().type == Tok::kSpace) next();
    return peek();
  }
  const Token& expect(Tok t, const char* context) {
    const Token& tok = next_non_space();
    if (tok.type != t) unexpected(tok, context);
    return tok;
  }
  [[noreturn]] void unexpected(const Token& t, const std::string& context) {
    if (t.type == Tok::kEOF) error("unexpected EOF");
    if (t.type == Tok::kRightDelim) error("unexpected \"}}\" in " + context);
    if (t.type == Tok::kLeftDelim) error("unexpected \"{{\" in " + context);
    std::string desc = t.type == Tok::kPipe || t.type == Tok::kChar || t.type == Tok::kRightParen ||
                               t.type == Tok::kLeftParen
                           ? "\"" + std::string(t.text) + "\""
                           : std::string(t.text);
    if (t.type == Tok::kIf || t.type == Tok::kElse || t.type == Tok::kEnd || t.type == Tok::kRange ||
        t.type == Tok::kWith || t.type == Tok::kDefine || t.type == Tok::kTemplate || t.type == Tok::kBlock ||
        t.type == Tok::kBreak || t.type == Tok::kContinue)
      desc = "<" + std::string(t.text) + ">";
    error("unexpected " + desc + " in " + context);
  }

  void parse_definition() {
    const Token& name_tok = next_non_space();
    if (name_tok.type != Tok::kString && name_tok.type != Tok::kRawString) unexpected(name_tok, "define clause");
    std::string name = *golang::unquote(name_tok.text);
    expect(Tok::kRightDelim, "define clause");
    auto saved_vars = vars_;
    vars_ = {"$"};
    auto [list, end] = item_list();
    if (end != "\x01end") error("unexpected {{else}}");
    vars_ = saved_vars;
    tree_.defined[name] = std::move(list);
  }

  // Returns a node; {{end}} and {{else}} come back as text markers for the caller to handle.
  Node text_or_action() {
    const Token& t = next_non_space();
    if (t.type == Tok::kText) {
      Node n;
      n.kind = Node::Kind::kText;
      n.pos = t.pos;
      n.text = std::string(t.text);
      return n;
    }
    if (t.type == Tok::kLeftDelim) return action();
    unexpected(t, "input");
  }

  Node marker(const char* m) {
    Node n;
    n.kind = Node::Kind::kText;
    n.text = m;
    return n;
  }

  Node action() {
    const Token& t = next_non_space();
    switch (t.type) {
      case Tok::kBlock: return block_control();
      case Tok::kBreak:
      case Tok::kContinue: {
        bool brk = t.type == Tok::kBreak;
        if (range_depth_ == 0) error(brk ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
        expect(Tok::kRightDelim, brk ? "{{break}}" : "{{continue}}");
        Node n;
        n.kind = brk ? Node::Kind::kBreak : Node::Kind::kContinue;
        n.pos = t.pos;
        return n;
      }
      case Tok::kElse: {
        // "else if" / "else with": leave the keyword for the enclosing control to consume.
        const Token& p = peek_non_space();
        if (p.type == Tok::kIf || p.type == Tok::kWith) return marker("\x01else");
        expect(Tok::kRightDelim, "else");
        return marker("\x01else");
      }
      case Tok::kEnd:
        expect(Tok::kRightDelim, "end");
        return marker("\x01end");
      case Tok::kIf: return control(Node::Kind::kIf, "if", t.pos);
      case Tok::kRange: return control(Node::Kind::kRange, "range", t.pos);
      case Tok::kWith: return control(Node::Kind::kWith, "with", t.pos);
      case Tok::kTemplate: return template_control(t.pos);
      default: break;
    }
    backup();
    Node n;
    n.kind = Node::Kind::kAction;
    n.pos = t.pos;
    n.pipe = pipeline("command", Tok::kRightDelim);
    return n;
  }

  std::pair<std::unique_ptr<ListNode>, std::string> item_list() {
    auto list = std::make_unique<ListNode>();
    while (peek_non_space().type != Tok::kEOF) {
      Node n = text_or_action();
      if (n.kind == Node::Kind::kText && (n.text == "\x01end" || n.text == "\x01else")) return {std::move(list), n.text};
      list->nodes.push_back(std::move(n));
    }
    error("unexpected EOF");
  }

  Node control(Node::Kind kind, const char* context, size_t pos) {
    // Go does not bound this nesting (its stacks grow); ours do not, and the executor recurses
    // as deeply as the parser, so refuse what no real template needs.
    if (control_depth_ >= kMaxControlDepth) error("max control structure depth exceeded");
    ++control_depth_;
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{control_depth_};
    size_t saved_vars = vars_.size();
    Node n;
    n.kind = kind;
    n.pos = pos;
    n.pipe = pipeline(context, Tok::kRightDelim);
    n.pos = n.pipe->pos;
    if (kind == Node::Kind::kRange) ++range_depth_;
    auto [list, end] = item_list();
    if (kind == Node::Kind::kRange) --range_depth_;
    n.list = std::move(list);
    if (end == "\x01else") {
      const Token& p = peek_non_space();
      if ((kind == Node::Kind::kIf && p.type == Tok::kIf) || (kind == Node::Kind::kWith && p.type == Tok::kWith)) {
        const Token& kw = next();
        n.else_list = std::make_unique<ListNode>();
        n.else_list->nodes.push_back(control(kind, context, kw.pos));
      } else {
        auto [else_list, end2] = item_list();
        if (end2 != "\x01end") error("expected end; found {{else}}");
        n.else_list = std::move(else_list);
      }
    }
    vars_.resize(saved_vars);
    return n;
  }

  Node template_control(size_t pos) {
    const char* context = "template clause";
    const Token& name_tok = next_non_space();
    if (name_tok.type != Tok::kString && name_tok.type != Tok::kRawString) unexpected(name_tok, context);
    Node n;
    n.kind = Node::Kind::kTemplate;
    n.pos = name_tok.pos;
    (void)pos;
    n.text = *golang::unquote(name_tok.text);
    if (next_non_space().type != Tok::kRightDelim) {
      backup();
      n.pipe = pipeline(context, Tok::kRightDelim);
    }
    return n;
  }

  Node block_control() {
    const char* context = "block clause";
    const Token& name_tok = next_non_space();
    if (name_tok.type != Tok::kString && name_tok.type != Tok::kRawString) unexpected(name_tok, context);
    Node n;
    n.kind = Node::Kind::kTemplate;
    n.text = *golang::unquote(name_tok.text);
    n.pipe = pipeline(context, Tok::kRightDelim);
    auto saved_vars = vars_;
    vars_ = {"$"};
    auto [list, end] = item_list();
    if (end != "\x01end") error("unexpected {{else}}");
    vars_ = saved_vars;
    tree_.defined[n.text] = std::move(list);
    return n;
  }

  std::unique_ptr<Pipe> pipeline(const char* context, Tok end) {
    auto pipe = std::make_unique<Pipe>();
    pipe->pos = peek_non_space().pos;
    // Declarations: $x := / $x = / $i, $v := (range).
    if (peek_non_space().type == Tok::kVariable) {
      size_t save = i_;
      const Token& v = next();
      const Token& after = peek_non_space();
      if (after.type == Tok::kDeclare || after.type == Tok::kAssign) {
        pipe->is_assign = after.type == Tok::kAssign;
        next_non_space();
        if (pipe->is_assign) check_var(v.text);
        pipe->decl.emplace_back(v.text);
        vars_.emplace_back(v.text);
      } else if (after.type == Tok::kChar && after.text == ",") {
        next_non_space();
        pipe->decl.emplace_back(v.text);
        vars_.emplace_back(v.text);
        if (std::string_view(context) != "range") error(std::string("too many declarations in ") + context);
        const Token& v2 = next_non_space();
        if (v2.type != Tok::kVariable) error("range can only initialize variables");
        const Token& op = next_non_space();
        if (op.type != Tok::kDeclare && op.type != Tok::kAssign) error("range can only initialize variables");
        pipe->is_assign = op.type == Tok::kAssign;
        pipe->decl.emplace_back(v2.text);
        vars_.emplace_back(v2.text);
      } else {
        i_ = save;
      }
    }
    while (true) {
      const Token& t = next_non_space();
      if (t.type == end) break;
      switch (t.type) {
        case Tok::kBool: case Tok::kCharConstant: case Tok::kDot: case Tok::kField: case Tok::kIdentifier:
        case Tok::kNumber: case Tok::kNil: case Tok::kRawString: case Tok::kString: case Tok::kVariable:
        case Tok::kLeftParen:
          backup();
          pipe->cmds.push_back(command());
          break;
        default: unexpected(t, context);
      }
    }
    if (pipe->cmds.empty()) error(std::string("missing value for ") + context);
    for (size_t k = 1; k < pipe->cmds.size(); ++k) {
      Arg::Kind first = pipe->cmds[k].args[0]->kind;
      if (first == Arg::Kind::kBool || first == Arg::Kind::kDot || first == Arg::Kind::kNil ||
          first == Arg::Kind::kNumber || first == Arg::Kind::kString)
        error("non executable command in pipeline stage " + std::to_string(k + 1));
    }
    return pipe;
  }

  Command command() {
    Command cmd;
    cmd.pos = peek_non_space().pos;
    while (true) {
      peek_non_space();
      if (auto op = operand()) cmd.args.push_back(std::move(op));
      const Token& t = next();
      if (t.type == Tok::kSpace) continue;
      if (t.type == Tok::kRightDelim || t.type == Tok::kRightParen) {
        backup();
      } else if (t.type != Tok::kPipe) {
        unexpected(t, "operand");
      }
      break;
    }
    if (cmd.args.empty()) error("empty command");
    return cmd;
  }

  std::unique_ptr<Arg> operand() {
    auto node = term();
    if (!node) return nullptr;
    if (peek().type == Tok::kField) {
      std::vector<std::string> fields;
      while (peek().type == Tok::kField) {
        std::string_view f = next().text;
        fields.emplace_back(f.substr(1));
      }
      switch (node->kind) {
        case Arg::Kind::kField:
        case Arg::Kind::kVariable:
          for (auto& f : fields) {
            node->fields.push_back(f);
            node->text += "." + f;
          }
          break;
        case Arg::Kind::kBool: case Arg::Kind::kString: case Arg::Kind::kNumber: case Arg::Kind::kNil:
        case Arg::Kind::kDot:
          error("unexpected . after term \"" + node->text + "\"");
        default: {
          auto chain = std::make_unique<Arg>();
          chain->kind = Arg::Kind::kChain;
          chain->pos = node->pos;
          chain->text = (node->kind == Arg::Kind::kPipe ? "(" + node->text + ")" : node->text);
          for (auto& f : fields) chain->text += "." + f;
          chain->fields = std::move(fields);
          chain->operand = std::move(node);
          node = std::move(chain);
        }
      }
    }
    return node;
  }

  void check_var(std::string_view name) {
    for (const auto& v : vars_)
      if (v == name) return;
    error("undefined variable \"" + std::string(name) + "\"");
  }

  std::unique_ptr<Arg> term() {
    const Token& t = next_non_space();
    auto a = std::make_unique<Arg>();
    a->pos = t.pos;
    a->text = std::string(t.text);
    switch (t.type) {
      case Tok::kIdentifier: {
        a->kind = Arg::Kind::kIdentifier;
        a->name = a->text;
        a->func = find_function(a->name, functions_);
        if (!a->func) error("function \"" + a->name + "\" not defined");
        if (a->name == "__line__") tree_.uses_line = true;
        if (a->name == "__timestamp__") tree_.uses_timestamp = true;
        return a;
      }
      case Tok::kDot: a->kind = Arg::Kind::kDot; return a;
      case Tok::kNil: a->kind = Arg::Kind::kNil; return a;
      case Tok::kVariable: {
        a->kind = Arg::Kind::kVariable;
        // "$x.y" lexes as one variable token followed by fields; the name is up to the first dot.
        a->name = a->text;
        check_var(a->name);
        return a;
      }
      case Tok::kField:
        a->kind = Arg::Kind::kField;
        a->fields.emplace_back(t.text.substr(1));
        return a;
      case Tok::kBool: a->kind = Arg::Kind::kBool; a->boolean = t.text == "true"; return a;
      case Tok::kCharConstant:
      case Tok::kNumber:
        a->kind = Arg::Kind::kNumber;
        number(*a, t);
        return a;
      case Tok::kLeftParen: {
        // Go's text/template message (maxStackDepth), at a tenth of its limit.
        if (paren_depth_ >= kMaxParenDepth) error("max expression depth exceeded");
        ++paren_depth_;
        a->kind = Arg::Kind::kPipe;
        a->pipe = pipeline("parenthesized pipeline", Tok::kRightParen);
        --paren_depth_;
        a->pos = a->pipe->pos;
        a->text = pipe_string(*a->pipe);
        return a;
      }
      case Tok::kString:
      case Tok::kRawString: {
        auto s = golang::unquote(t.text);
        if (!s.ok()) error(s.error());
        a->kind = Arg::Kind::kString;
        a->str = std::move(*s);
        return a;
      }
      default:
        backup();
        return nullptr;
    }
  }

  void number(Arg& a, const Token& t) {
    std::string_view text = t.text;
    if (t.type == Tok::kCharConstant) {
      auto s = golang::unquote(text);
      size_t len = 0;
      if (!s.ok() || s->empty()) error("malformed character constant: " + std::string(text));
      int32_t cp = golang::decode_utf8(*s, 0, len);
      if (len != s->size() && !(s->size() == 1)) error("malformed character constant: " + std::string(text));
      if (cp < 0) cp = static_cast<unsigned char>((*s)[0]);
      a.is_char = a.is_int = a.is_float = true;
      a.int_value = cp;
      a.float_value = cp;
      return;
    }
    if (!text.empty() && text.back() == 'i') error("complex numbers are not supported: " + std::string(text));
    bool unsigned_only = false;
    if (parse_go_int(text, a.int_value, unsigned_only)) {
      a.is_int = true;
      a.is_float = true;
      a.float_value = static_cast<double>(a.int_value);
      return;
    }
    if (unsigned_only) error(std::string(text) + " overflows int");
    std::string s;
    for (char c : text)
      if (c != '_') s += c;
    char* end = nullptr;
    errno = 0;
    double f = std::strtod(s.c_str(), &end);
    bool hex = s.find_first_of("xX") != std::string::npos;
    if (end != s.c_str() + s.size() || s.empty() || (hex && s.find_first_of("pP") == std::string::npos) ||
        (!hex && s.find_first_of("0123456789") == std::string::npos))
      error("illegal number syntax: \"" + std::string(text) + "\"");
    a.is_float = true;
    a.float_value = f;
    if (std::isfinite(f) && f == std::trunc(f) && std::fabs(f) < 9.2e18) {
      a.is_int = true;
      a.int_value = static_cast<int64_t>(f);
    }
  }

  Tree& tree_;
  std::vector<Token> toks_;
  FunctionSet functions_;
  size_t i_ = 0, last_ = 0;
  int range_depth_ = 0;
  static constexpr int kMaxParenDepth = 1000;  // Go: 10000; each level keeps its text, so N² bytes
  static constexpr int kMaxControlDepth = 1000;
  int paren_depth_ = 0;
  int control_depth_ = 0;
  std::vector<std::string> vars_{"$"};
};

}  // namespace

util::Result<std::unique_ptr<Tree>> parse_tree(std::string_view name, std::string_view text,
                                               FunctionSet functions) {
  auto tree = std::make_unique<Tree>();
  tree->name = std::string(name);
  tree->source = std::string(text);
  LexError lex_err{"", 0};
  std::vector<Token> toks = lex_template(tree->source, lex_err);
  if (!lex_err.message.empty())
    return util::Error{"template: " + tree->name + ":" + std::to_string(lex_err.line) + ": " + lex_err.message};
  try {
    Parser p(*tree, std::move(toks), functions);
    p.parse();
  } catch (const ParseError& e) {
    return util::Error{"template: " + tree->name + ":" + std::to_string(e.line) + ": " + e.message};
  }
  return tree;
}

}  // namespace gotemplate
