#include "jmespath/interpreter.h"

#include <cmath>

namespace jmespath {

namespace {

const json& null_json() {
  static const json kNull;
  return kNull;
}

bool compare_numbers(Comparator c, double a, double b) {
  switch (c) {
    case Comparator::kLt: return a < b;
    case Comparator::kLte: return a <= b;
    case Comparator::kGt: return a > b;
    case Comparator::kGte: return a >= b;
    default: return false;
  }
}

// Python-style slice bounds, as the spec defines them.
Value slice(const Node& n, const json& in) {
  bool is_string = in.is_string();
  if (!in.is_array() && !is_string) return Value();
  int64_t len = is_string ? static_cast<int64_t>(in.get_ref<const std::string&>().size())
                          : static_cast<int64_t>(in.size());
  int64_t step = n.step.value_or(1);
  auto clamp = [&](std::optional<int64_t> v, bool is_start) -> int64_t {
    if (!v) return step > 0 ? (is_start ? 0 : len) : (is_start ? len - 1 : -1);
    int64_t x = *v;
    if (x < 0) {
      x += len;
      if (x < 0) x = step < 0 ? -1 : 0;
    } else if (x >= len) {
      x = step < 0 ? len - 1 : len;
    }
    return x;
  };
  int64_t start = clamp(n.start, true);
  int64_t stop = clamp(n.stop, false);
  if (is_string) {
    // Slices of strings are taken over bytes; Promtail's users slice ASCII ids in practice.
    const std::string& s = in.get_ref<const std::string&>();
    std::string out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out += s[static_cast<size_t>(i)];
    return Value::own(json(std::move(out)));
  }
  json out = json::array();
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.push_back(in[static_cast<size_t>(i)]);
  return Value::own(std::move(out));
}

Value project(const Node& right, const json& base) {
  json out = json::array();
  for (const json& elem : base) {
    Value r = evaluate(right, Value::ref(elem));
    if (!r->is_null()) out.push_back(*r);
  }
  return Value::own(std::move(out));
}

}  // namespace

Value::Value() : ptr_(&null_json()) {}

bool truthy(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return false;
    case json::value_t::boolean: return j.get<bool>();
    case json::value_t::string: return !j.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object: return !j.empty();
    default: return true;
  }
}

json make_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9007199254740992.0) {
    return json(static_cast<int64_t>(d));
  }
  return json(d);
}

Value evaluate(const Node& n, const Value& input) {
  const json& in = *input;
  switch (n.kind) {
    case NodeKind::kCurrent: return input;
    case NodeKind::kField: {
      if (!in.is_object()) return Value();
      auto it = in.find(n.name);
      if (it == in.end()) return Value();
      return input.child(*it);
    }
    case NodeKind::kIndex: {
      if (!in.is_array()) return Value();
      int64_t i = n.index < 0 ? n.index + static_cast<int64_t>(in.size()) : n.index;
      if (i < 0 || i >= static_cast<int64_t>(in.size())) return Value();
      return input.child(in[static_cast<size_t>(i)]);
    }
    case NodeKind::kSlice: return slice(n, in);
    case NodeKind::kSubexpression: return evaluate(*n.children[1], evaluate(*n.children[0], input));
    case NodeKind::kPipe: return evaluate(*n.children[1], evaluate(*n.children[0], input));
    case NodeKind::kProjection: {
      Value base = evaluate(*n.children[0], input);
      if (!base->is_array()) return Value();
      return project(*n.children[1], *base);
    }
    case NodeKind::kValueProjection: {
      Value base = evaluate(*n.children[0], input);
      if (!base->is_object()) return Value();
      return project(*n.children[1], *base);
    }
    case NodeKind::kFlatten: {
      Value base = evaluate(*n.children[0], input);
      if (!base->is_array()) return Value();
      json out = json::array();
      for (const json& elem : *base) {
        if (elem.is_array()) {
          for (const json& inner : elem) out.push_back(inner);
        } else {
          out.push_back(elem);
        }
      }
      return Value::own(std::move(out));
    }
    case NodeKind::kFilter: {
      Value base = evaluate(*n.children[0], input);
      if (!base->is_array()) return Value();
      json out = json::array();
      for (const json& elem : *base) {
        if (!truthy(*evaluate(*n.children[2], Value::ref(elem)))) continue;
        Value r = evaluate(*n.children[1], Value::ref(elem));
        if (!r->is_null()) out.push_back(*r);
      }
      return Value::own(std::move(out));
    }
    case NodeKind::kOr: {
      Value l = evaluate(*n.children[0], input);
      return truthy(*l) ? l : evaluate(*n.children[1], input);
    }
    case NodeKind::kAnd: {
      Value l = evaluate(*n.children[0], input);
      return truthy(*l) ? evaluate(*n.children[1], input) : l;
    }
    case NodeKind::kNot: return Value::own(json(!truthy(*evaluate(*n.children[0], input))));
    case NodeKind::kCompare: {
      Value l = evaluate(*n.children[0], input);
      Value r = evaluate(*n.children[1], input);
      if (n.cmp == Comparator::kEq) return Value::own(json(*l == *r));
      if (n.cmp == Comparator::kNe) return Value::own(json(*l != *r));
      if (!l->is_number() || !r->is_number()) return Value();
      return Value::own(json(compare_numbers(n.cmp, l->get<double>(), r->get<double>())));
    }
    case NodeKind::kMultiList: {
      if (in.is_null()) return Value();
      json out = json::array();
      for (const auto& c : n.children) out.push_back(*evaluate(*c, input));
      return Value::own(std::move(out));
    }
    case NodeKind::kMultiHash: {
      if (in.is_null()) return Value();
      json out = json::object();
      for (size_t i = 0; i < n.children.size(); ++i) out[n.keys[i]] = *evaluate(*n.children[i], input);
      return Value::own(std::move(out));
    }
    case NodeKind::kLiteral: return Value::ref(n.literal);
    case NodeKind::kFunction: return call_function(n, input);
    case NodeKind::kExpRef: throw EvalError("an expression reference (&expr) can only be a function argument");
  }
  return Value();
}

}  // namespace jmespath
