// Go's String() forms of parse-tree nodes, used in execution error messages.
#include "gotemplate/node.h"

#include "golang/quote.h"

namespace gotemplate {

std::string arg_string(const Arg& a) {
  switch (a.kind) {
    case Arg::Kind::kString: return a.text;
    case Arg::Kind::kPipe: return "(" + a.text + ")";  // the parser keeps the pipe's text: no re-rendering
    default: return a.text;
  }
}

std::string command_string(const Command& c) {
  std::string s;
  for (size_t i = 0; i < c.args.size(); ++i) {
    if (i) s += ' ';
    s += arg_string(*c.args[i]);
  }
  return s;
}

std::string pipe_string(const Pipe& p) {
  std::string s;
  for (size_t i = 0; i < p.decl.size(); ++i) {
    if (i) s += ", ";
    s += p.decl[i];
  }
  if (!p.decl.empty()) s += " := ";  // Go prints := for assignments too
  for (size_t i = 0; i < p.cmds.size(); ++i) {
    if (i) s += " | ";
    s += command_string(p.cmds[i]);
  }
  return s;
}

std::string list_string(const ListNode& l) {
  std::string s;
  for (const Node& n : l.nodes) s += node_string(n);
  return s;
}

std::string node_string(const Node& n) {
  std::string p = n.pipe ? pipe_string(*n.pipe) : "";
  auto branch = [&](const char* name) {
    std::string s = std::string("{{") + name + " " + p + "}}" + list_string(*n.list);
    if (n.else_list) s += "{{else}}" + list_string(*n.else_list);
    return s + "{{end}}";
  };
  switch (n.kind) {
    case Node::Kind::kText: return n.text;
    case Node::Kind::kAction: return "{{" + p + "}}";
    case Node::Kind::kIf: return branch("if");
    case Node::Kind::kRange: return branch("range");
    case Node::Kind::kWith: return branch("with");
    case Node::Kind::kTemplate:
      return "{{template " + golang::quote(n.text) + (p.empty() ? "" : " " + p) + "}}";
    case Node::Kind::kBreak: return "{{break}}";
    case Node::Kind::kContinue: return "{{continue}}";
  }
  return "";
}

}  // namespace gotemplate
