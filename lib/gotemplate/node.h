// The parse tree of a Go text/template, as text/template/parse builds it: lists of text and
// action nodes, control structures, pipelines of commands and their operands.
// Immutable after parsing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gotemplate/functions.h"

namespace gotemplate {

struct Pipe;

// An operand of a command.
struct Arg {
  enum class Kind : uint8_t { kField, kVariable, kDot, kNil, kBool, kNumber, kString, kIdentifier, kPipe, kChain };
  Kind kind = Kind::kNil;
  size_t pos = 0;
  std::string text;                 // source form, for error messages
  std::vector<std::string> fields;  // field chain: .a.b, $x.a.b, (pipe).a.b
  std::string name;                 // variable ("$x") or function name
  const FuncSpec* func = nullptr;   // resolved function for kIdentifier
  bool boolean = false;
  std::string str;  // decoded string literal
  // Number literal, with Go's parse.NumberNode flags.
  bool is_int = false, is_float = false, is_char = false;
  int64_t int_value = 0;
  double float_value = 0;
  std::unique_ptr<Pipe> pipe;   // kPipe
  std::unique_ptr<Arg> operand;  // kChain: the term the fields apply to
};

struct Command {
  size_t pos = 0;
  std::vector<std::unique_ptr<Arg>> args;
};

struct Pipe {
  size_t pos = 0;
  bool is_assign = false;          // $x = ... rather than $x := ...
  std::vector<std::string> decl;   // declared/assigned variables
  std::vector<Command> cmds;
};

struct ListNode;

struct Node {
  enum class Kind : uint8_t { kText, kAction, kIf, kRange, kWith, kTemplate, kBreak, kContinue };
  Kind kind = Kind::kText;
  size_t pos = 0;
  std::string text;                 // kText: the text; kTemplate: the template name
  std::unique_ptr<Pipe> pipe;       // action, if/range/with condition, template argument
  std::unique_ptr<ListNode> list, else_list;
};

struct ListNode {
  std::vector<Node> nodes;
};

// A parsed template and the named templates it defines ({{define}} / {{block}}).
struct Tree {
  std::string name;
  std::string source;
  std::unique_ptr<ListNode> root;
  std::map<std::string, std::unique_ptr<ListNode>, std::less<>> defined;
  bool uses_line = false;
  bool uses_timestamp = false;
};

// Go's String() of a node, used in error messages ("at <.foo>").
std::string arg_string(const Arg& a);
std::string command_string(const Command& c);
std::string pipe_string(const Pipe& p);
std::string node_string(const Node& n);
std::string list_string(const ListNode& l);

}  // namespace gotemplate
