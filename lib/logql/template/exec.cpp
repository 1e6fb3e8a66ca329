#include "logql/template/exec.h"

#include <algorithm>
#include <deque>

#include "logql/template/go_time.h"
#include "logql/template/template.h"

namespace logql::tmpl {

namespace {

// Thrown inside the executor only, the way Go's text/template panics and recovers internally;
// execute_tree turns it into a Status.
struct ExecError {
  std::string message;
};

// Nested {{template}} calls allowed; Go allows 100000 but C++ stacks are smaller.
constexpr int kMaxDepth = 1000;

enum class Flow { kNormal, kBreak, kContinue };

struct Var {
  std::string_view name;
  Value value;
};

// Buffers reused across executions on a thread, so running a template allocates nothing
// beyond the values it creates: the variable stack and one argument vector per call depth.
struct Scratch {
  std::vector<Var> vars;
  std::deque<std::vector<Value>> args;  // deque: references stay valid as it grows
};

class Executor {
 public:
  Executor(const Tree& tree, const Context& ctx, std::string& out, Scratch& scratch)
      : tree_(tree), ctx_(ctx), out_(out), vars_(scratch.vars), arg_pool_(scratch.args) {}

  void run() {
    vars_.clear();
    Value dot = ctx_.dot();
    vars_.push_back({"$", dot});
    walk_list(dot, *tree_.root);
  }

  // Leaves the scratch buffers empty (values released) but with their capacity.
  void release() {
    vars_.clear();
    for (size_t i = 0; i < arg_pool_.size() && i < max_call_depth_; ++i) arg_pool_[i].clear();
  }

  std::string error_prefix() const {
    size_t pos = at_pos_;
    std::string_view src = tree_.source;
    if (pos > src.size()) pos = src.size();
    std::string_view before = src.substr(0, pos);
    size_t nl = before.rfind('\n');
    size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
    int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    std::string context = at_context();  // Go no longer truncates it
    return "template: " + tree_.name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": executing \"" +
           tree_.name + "\" at <" + context + ">: ";
  }

 private:
  [[noreturn]] void fail(const std::string& msg) { throw ExecError{msg}; }

  void at(const Arg* a) {
    at_arg_ = a;
    at_cmd_ = nullptr;
    at_node_ = nullptr;
    at_pos_ = a->pos;
  }
  void at(const Command* c) {
    at_arg_ = nullptr;
    at_cmd_ = c;
    at_node_ = nullptr;
    at_pos_ = c->pos;
  }
  void at(const Node* n) {
    at_arg_ = nullptr;
    at_cmd_ = nullptr;
    at_node_ = n;
    at_pos_ = n->pos;
  }
  std::string at_context() const {
    if (at_arg_) return at_arg_->kind == Arg::Kind::kPipe ? at_arg_->text : arg_string(*at_arg_);
    if (at_cmd_) return command_string(*at_cmd_);
    if (at_node_) return node_string(*at_node_);
    return "";
  }

  Flow walk_list(const Value& dot, const ListNode& list) {
    for (const Node& n : list.nodes) {
      Flow f = walk(dot, n);
      if (f != Flow::kNormal) return f;
    }
    return Flow::kNormal;
  }

  Flow walk(const Value& dot, const Node& n) {
    switch (n.kind) {
      case Node::Kind::kText: out_ += n.text; return Flow::kNormal;
      case Node::Kind::kAction: {
        Value v = eval_pipeline(dot, *n.pipe);
        if (n.pipe->decl.empty()) {
          if (v.is_nil()) out_ += "<no value>";
          else append_go_value(out_, v);
        }
        return Flow::kNormal;
      }
      case Node::Kind::kIf:
      case Node::Kind::kWith: {
        size_t mark = vars_.size();
        Value v = eval_pipeline(dot, *n.pipe);
        Flow f = Flow::kNormal;
        if (v.truthy()) f = walk_list(n.kind == Node::Kind::kWith ? v : dot, *n.list);
        else if (n.else_list) f = walk_list(dot, *n.else_list);
        vars_.resize(mark);
        return f;
      }
      case Node::Kind::kRange: return walk_range(dot, n);
      case Node::Kind::kBreak: return Flow::kBreak;
      case Node::Kind::kContinue: return Flow::kContinue;
      case Node::Kind::kTemplate: {
        at(&n);
        auto it = tree_.defined.find(n.text);
        if (it == tree_.defined.end()) fail("template \"" + n.text + "\" not defined");
        if (depth_ >= kMaxDepth) fail("exceeded maximum template depth (" + std::to_string(kMaxDepth) + ")");
        Value new_dot = n.pipe ? eval_pipeline(dot, *n.pipe) : Value();
        std::vector<Var> saved;
        saved.swap(vars_);
        vars_.push_back({"$", new_dot});
        ++depth_;
        walk_list(new_dot, *it->second);
        --depth_;
        vars_.swap(saved);
        return Flow::kNormal;
      }
    }
    return Flow::kNormal;
  }

  Flow walk_range(const Value& dot, const Node& n) {
    at(&n);
    size_t outer = vars_.size();
    Value v = eval_pipeline(dot, *n.pipe);
    size_t mark = vars_.size();
    const Pipe& p = *n.pipe;
    auto one = [&](const Value& index, const Value& elem) -> Flow {
      if (!p.decl.empty()) {
        if (p.is_assign) set_var(p.decl[0], p.decl.size() > 1 ? index : elem);
        else vars_[vars_.size() - 1].value = elem;
      }
      if (p.decl.size() > 1) {
        if (p.is_assign) set_var(p.decl[1], elem);
        else vars_[vars_.size() - 2].value = index;
      }
      Flow f = walk_list(elem, *n.list);
      vars_.resize(mark);
      return f;
    };
    bool iterated = false;
    switch (v.kind()) {
      case Value::Kind::kList:
        for (size_t i = 0; i < v.as_list().size(); ++i) {
          iterated = true;
          if (one(Value::integer(static_cast<int64_t>(i)), v.as_list()[i]) == Flow::kBreak) break;
        }
        break;
      case Value::Kind::kMap:
        for (const auto& [k, item] : v.as_map()) {
          iterated = true;
          if (one(Value::string(k), item) == Flow::kBreak) break;
        }
        break;
      case Value::Kind::kLabels: {
        std::vector<std::pair<std::string_view, std::string_view>> labels;
        ctx_.for_each_label([&](std::string_view k, std::string_view val) { labels.emplace_back(k, val); });
        for (const auto& [k, val] : labels) {
          iterated = true;
          if (one(Value::string_view(k), Value::string_view(val)) == Flow::kBreak) break;
        }
        break;
      }
      case Value::Kind::kInt:
        if (p.decl.size() > 1) fail("can't use " + go_value_string(v) + " to iterate over more than one variable");
        for (int64_t i = 0; i < v.as_int(); ++i) {
          iterated = true;
          if (one(Value::integer(i), Value::integer(i)) == Flow::kBreak) break;
        }
        break;
      case Value::Kind::kNil: break;
      default: fail("range can't iterate over " + go_value_string(v));
    }
    if (!iterated && n.else_list) walk_list(dot, *n.else_list);
    vars_.resize(outer);
    return Flow::kNormal;
  }

  void set_var(std::string_view name, const Value& v) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].name == name) {
        vars_[i].value = v;
        return;
      }
    }
    fail("undefined variable: " + std::string(name));
  }

  const Value& var_value(std::string_view name) {
    for (size_t i = vars_.size(); i-- > 0;)
      if (vars_[i].name == name) return vars_[i].value;
    fail("undefined variable: " + std::string(name));
  }

  Value eval_pipeline(const Value& dot, const Pipe& pipe) {
    Value value;
    bool has_final = false;
    for (const Command& cmd : pipe.cmds) {
      value = eval_command(dot, cmd, has_final ? &value : nullptr);
      has_final = true;
    }
    for (const std::string& var : pipe.decl) {
      if (pipe.is_assign) set_var(var, value);
      else vars_.push_back({var, value});
    }
    return value;
  }

  void not_a_function(const Command& cmd, const Value* final) {
    if (cmd.args.size() > 1 || final) fail("can't give argument to non-function " + arg_string(*cmd.args[0]));
  }

  Value eval_command(const Value& dot, const Command& cmd, const Value* final) {
    const Arg& first = *cmd.args[0];
    switch (first.kind) {
      case Arg::Kind::kField:
        at(&first);
        return eval_field_chain(dot, dot, first, first.fields, &cmd, final);
      case Arg::Kind::kChain: {
        at(&first);
        if (first.operand->kind == Arg::Kind::kNil) fail("indirection through explicit nil in " + first.text);
        Value recv = eval_arg(dot, Param::kAny, *first.operand, true);
        return eval_field_chain(dot, recv, first, first.fields, &cmd, final);
      }
      case Arg::Kind::kIdentifier: return eval_function(dot, first, &cmd, final);
      case Arg::Kind::kPipe:
        at(&first);
        not_a_function(cmd, final);
        return eval_pipeline(dot, *first.pipe);
      case Arg::Kind::kVariable: {
        at(&first);
        const Value& v = var_value(first.name);
        if (first.fields.empty()) {
          not_a_function(cmd, final);
          return v;
        }
        Value recv = v;
        return eval_field_chain(dot, recv, first, first.fields, &cmd, final);
      }
      default: break;
    }
    at(&first);
    not_a_function(cmd, final);
    switch (first.kind) {
      case Arg::Kind::kBool: return Value::boolean(first.boolean);
      case Arg::Kind::kDot: return dot;
      case Arg::Kind::kNil: fail("nil is not a command");
      case Arg::Kind::kNumber: return ideal_constant(first);
      case Arg::Kind::kString: return Value::string_view(first.str);
      default: fail("can't evaluate command " + first.text);
    }
  }

  Value ideal_constant(const Arg& a) {
    bool hex = a.text.size() > 1 && (a.text[0] == '0' || a.text[1] == '0') &&
               a.text.find_first_of("xX") != std::string::npos;
    if (a.is_float && !hex && !a.is_char && a.text.find_first_of(".eEpP") != std::string::npos)
      return Value::floating(a.float_value);
    if (a.is_int) return Value::integer(a.int_value);
    fail(a.text + " overflows int");
  }

  Value eval_field_chain(const Value& dot, Value recv, const Arg& node, const std::vector<std::string>& fields,
                         const Command* cmd, const Value* final) {
    for (size_t i = 0; i + 1 < fields.size(); ++i) recv = eval_field(dot, fields[i], node, nullptr, nullptr, recv);
    return eval_field(dot, fields.back(), node, cmd, final, recv);
  }

  // `cmd` holds the arguments when the field is the command's first word (they make it a
  // method call); nullptr inside a chain.
  Value eval_field(const Value& dot, const std::string& name, const Arg& node, const Command* cmd,
                   const Value* final, const Value& recv) {
    (void)dot;
    bool has_args = (cmd && cmd->args.size() > 1) || final;
    switch (recv.kind()) {
      case Value::Kind::kNil: return Value();
      case Value::Kind::kLabels: {
        if (has_args) fail(name + " is not a method but has arguments");
        auto v = ctx_.label(name);
        return v ? Value::string_view(*v) : Value::string_view("");
      }
      case Value::Kind::kMap: {
        if (has_args) fail(name + " is not a method but has arguments");
        auto it = recv.as_map().find(name);
        return it == recv.as_map().end() ? Value() : it->second;
      }
      case Value::Kind::kTime: return time_method(dot, recv.as_time(), name, node, cmd, final);
      default: break;
    }
    fail("can't evaluate field " + name + " in type " + recv.type_name());
  }

  Value time_method(const Value& dot, const GoTime& t, const std::string& name, const Arg& node, const Command* cmd,
                    const Value* final) {
    (void)node;
    std::vector<Value> args;
    if (cmd)
      for (size_t i = 1; i < cmd->args.size(); ++i) args.push_back(eval_arg(dot, Param::kString, *cmd->args[i]));
    if (final) args.push_back(check_type(*final, Param::kString));
    auto want = [&](size_t n) {
      if (args.size() != n)
        fail("wrong number of args for " + name + ": want " + std::to_string(n) + " got " + std::to_string(args.size()));
    };
    int64_t local = t.sec + t.offset;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t secs = local - days * 86400;
    if (name == "Format") {
      want(1);
      return Value::string(format_go_time(t, args[0].as_string()));
    }
    want(0);
    if (name == "Unix") return Value::integer(t.sec, Value::IntType::kInt64);
    if (name == "UnixMilli") return Value::integer(t.sec * 1000 + t.nsec / 1000000, Value::IntType::kInt64);
    if (name == "UnixMicro") return Value::integer(t.sec * 1000000 + t.nsec / 1000, Value::IntType::kInt64);
    if (name == "UnixNano") return Value::integer(t.sec * 1000000000 + t.nsec, Value::IntType::kInt64);
    if (name == "String") return Value::string(go_time_string(t));
    if (name == "UTC" || name == "Local") {
      GoTime u = t;
      u.offset = 0;
      u.zone = "UTC";
      return Value::time(u);
    }
    if (name == "IsZero") return Value::boolean(t.is_zero());
    if (name == "Hour") return Value::integer(secs / 3600);
    if (name == "Minute") return Value::integer(secs / 60 % 60);
    if (name == "Second") return Value::integer(secs % 60);
    if (name == "Nanosecond") return Value::integer(t.nsec);
    if (name == "Year" || name == "Day" || name == "YearDay") {
      std::string y = format_go_time(t, name == "Year" ? "2006" : name == "Day" ? "2" : "__2");
      size_t k = y.find_first_not_of(' ');
      return Value::integer(std::stoll(y.substr(k)));
    }
    fail("can't evaluate field " + name + " in type time.Time");
  }

  Value eval_function(const Value& dot, const Arg& ident, const Command* cmd, const Value* final) {
    at(&ident);
    const FuncSpec& fn = *ident.func;
    const std::string& name = ident.name;
    size_t nargs = cmd ? cmd->args.size() - 1 : 0;
    size_t num_in = nargs + (final ? 1 : 0);
    size_t num_params = fn.params.size();
    size_t num_fixed = nargs;
    if (fn.variadic) {
      num_fixed = num_params - 1;
      if (num_in < num_fixed)
        fail("wrong number of args for " + name + ": want at least " + std::to_string(num_fixed) + " got " +
             std::to_string(nargs));
    } else if (num_in != num_params) {
      fail("wrong number of args for " + name + ": want " + std::to_string(num_params) + " got " +
           std::to_string(num_in));
    }
    if (fn.special != FuncSpec::Special::kNone) {
      bool is_or = fn.special == FuncSpec::Special::kOr;
      Value v;
      for (size_t i = 1; cmd && i < cmd->args.size(); ++i) {
        v = eval_arg(dot, Param::kRaw, *cmd->args[i]);
        if (v.truthy() == is_or) return v;
      }
      if (final) v = *final;
      return v;
    }
    if (call_depth_ == arg_pool_.size()) arg_pool_.emplace_back();
    std::vector<Value>& argv = arg_pool_[call_depth_++];
    max_call_depth_ = std::max(max_call_depth_, call_depth_);
    argv.clear();
    struct DepthGuard {
      size_t& depth;
      ~DepthGuard() { --depth; }
    } guard{call_depth_};
    size_t i = 0;
    for (; i < num_fixed && i < nargs; ++i) argv.push_back(eval_arg(dot, fn.params[i], *cmd->args[i + 1]));
    if (fn.variadic)
      for (; i < nargs; ++i) argv.push_back(eval_arg(dot, fn.params.back(), *cmd->args[i + 1]));
    if (final) {
      Param t = fn.params.back();
      if (fn.variadic && num_in - 1 < num_fixed) t = fn.params[num_in - 1];
      argv.push_back(check_type(*final, t));
    }
    auto r = fn.impl(argv, ctx_);
    if (!r.ok()) {
      if (cmd) at(cmd);
      else at(&ident);
      fail("error calling " + name + ": " + r.error());
    }
    return std::move(*r);
  }

  static const char* param_name(Param p) {
    switch (p) {
      case Param::kString: return "string";
      case Param::kInt: return "int";
      case Param::kInt64: return "int64";
      case Param::kFloat64: return "float64";
      case Param::kBool: return "bool";
      case Param::kTime: return "time.Time";
      case Param::kAny: return "interface {}";
      case Param::kRaw: return "reflect.Value";
    }
    return "?";
  }

  // text/template's validateType: dynamic values must already have the parameter's type.
  Value check_type(const Value& v, Param p) {
    if (p == Param::kAny || p == Param::kRaw) return v;
    if (v.is_nil()) fail(std::string("invalid value; expected ") + param_name(p));
    bool ok = false;
    switch (p) {
      case Param::kString: ok = v.kind() == Value::Kind::kString; break;
      case Param::kInt: ok = v.kind() == Value::Kind::kInt && v.int_type() == Value::IntType::kInt; break;
      case Param::kInt64: ok = v.kind() == Value::Kind::kInt && v.int_type() == Value::IntType::kInt64; break;
      case Param::kFloat64: ok = v.kind() == Value::Kind::kFloat; break;
      case Param::kBool: ok = v.kind() == Value::Kind::kBool; break;
      case Param::kTime: ok = v.kind() == Value::Kind::kTime; break;
      default: ok = true;
    }
    if (!ok) fail(std::string("wrong type for value; expected ") + param_name(p) + "; got " + v.type_name());
    return v;
  }

  Value eval_arg(const Value& dot, Param p, const Arg& a, bool chain_operand = false) {
    at(&a);
    switch (a.kind) {
      case Arg::Kind::kDot: return check_type(dot, p);
      case Arg::Kind::kNil:
        if (p == Param::kAny) return Value();
        fail(std::string("cannot assign nil to ") + param_name(p));
      case Arg::Kind::kField: return check_type(eval_field_chain(dot, dot, a, a.fields, nullptr, nullptr), p);
      case Arg::Kind::kVariable: {
        Value v = var_value(a.name);
        if (!a.fields.empty()) v = eval_field_chain(dot, v, a, a.fields, nullptr, nullptr);
        return check_type(v, p);
      }
      case Arg::Kind::kPipe: return check_type(eval_pipeline(dot, *a.pipe), p);
      case Arg::Kind::kIdentifier: return check_type(eval_function(dot, a, nullptr, nullptr), p);
      case Arg::Kind::kChain: {
        Value recv = eval_arg(dot, Param::kAny, *a.operand, true);
        return check_type(eval_field_chain(dot, recv, a, a.fields, nullptr, nullptr), p);
      }
      default: break;
    }
    (void)chain_operand;
    switch (p) {
      case Param::kBool:
        if (a.kind == Arg::Kind::kBool) return Value::boolean(a.boolean);
        fail("expected bool; found " + arg_string(a));
      case Param::kFloat64:
        if (a.kind == Arg::Kind::kNumber && a.is_float) return Value::floating(a.float_value);
        fail("expected float; found " + arg_string(a));
      case Param::kInt:
      case Param::kInt64:
        if (a.kind == Arg::Kind::kNumber && a.is_int)
          return Value::integer(a.int_value, p == Param::kInt ? Value::IntType::kInt : Value::IntType::kInt64);
        fail("expected integer; found " + arg_string(a));
      case Param::kString:
        if (a.kind == Arg::Kind::kString) return Value::string_view(a.str);
        fail("expected string; found " + arg_string(a));
      case Param::kTime: fail("can't handle " + arg_string(a) + " for arg of type time.Time");
      case Param::kAny:
      case Param::kRaw:
        switch (a.kind) {
          case Arg::Kind::kBool: return Value::boolean(a.boolean);
          case Arg::Kind::kNumber: return ideal_constant(a);
          case Arg::Kind::kString: return Value::string_view(a.str);
          default: break;
        }
        fail("can't handle assignment of " + arg_string(a) + " to empty interface argument");
    }
    fail("can't handle " + arg_string(a));
  }

  const Tree& tree_;
  const Context& ctx_;
  std::string& out_;
  std::vector<Var>& vars_;
  std::deque<std::vector<Value>>& arg_pool_;
  size_t call_depth_ = 0, max_call_depth_ = 0;
  int depth_ = 0;
  size_t at_pos_ = 0;
  const Arg* at_arg_ = nullptr;
  const Command* at_cmd_ = nullptr;
  const Node* at_node_ = nullptr;
};

}  // namespace

util::Status execute_tree(const Tree& tree, const Context& ctx, std::string& out) {
  thread_local Scratch scratch;
  Executor ex(tree, ctx, out, scratch);
  try {
    ex.run();
  } catch (const ExecError& e) {
    std::string msg = ex.error_prefix() + e.message;
    ex.release();
    return util::Error{std::move(msg)};
  }
  ex.release();
  return {};
}

}  // namespace logql::tmpl
