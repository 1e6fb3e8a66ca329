// The JMESPath built-in functions, with the spec's argument type checking.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jmespath/interpreter.h"
#include "golang/quote.h"
#include "golang/utf8.h"

namespace jmespath {

namespace {

// One evaluated argument: a value, or for `&expr` arguments the expression itself.
struct Arg {
  Value value;
  const Node* expref = nullptr;
};

using Args = std::vector<Arg>;
using Impl = Value (*)(const Args& args, const std::string& name);

struct Spec {
  size_t min_args;
  bool variadic;
  Impl impl;
};

[[noreturn]] void type_error(const std::string& fn, const std::string& expected, const json& got) {
  throw EvalError("invalid-type: " + fn + "() expected " + expected + ", got " +
                  (got.is_number() ? std::string("number") : std::string(got.type_name())));
}

const char* type_of(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "number";
  }
}

const json& want(const Args& a, size_t i, const std::string& fn, json::value_t t, const char* what) {
  const json& j = *a[i].value;
  bool ok = t == json::value_t::number_float ? j.is_number() : j.type() == t;
  if (!ok || a[i].expref) type_error(fn, what, j);
  return j;
}
const json& want_number(const Args& a, size_t i, const std::string& fn) {
  return want(a, i, fn, json::value_t::number_float, "number");
}
const json& want_string(const Args& a, size_t i, const std::string& fn) {
  return want(a, i, fn, json::value_t::string, "string");
}
const json& want_array(const Args& a, size_t i, const std::string& fn) {
  return want(a, i, fn, json::value_t::array, "array");
}
const json& want_object(const Args& a, size_t i, const std::string& fn) {
  return want(a, i, fn, json::value_t::object, "object");
}
const Node& want_expref(const Args& a, size_t i, const std::string& fn) {
  if (!a[i].expref) type_error(fn, "expression reference", *a[i].value);
  return *a[i].expref;
}

// An array whose elements are all numbers or all strings (max, min, sort). Returns true for numbers.
bool homogeneous(const json& arr, const std::string& fn) {
  if (arr.empty()) return true;
  bool numbers = arr[0].is_number();
  for (const json& e : arr) {
    if (numbers ? !e.is_number() : !e.is_string()) type_error(fn, "array of numbers or strings", e);
  }
  return numbers;
}

bool less_json(const json& a, const json& b) {
  if (a.is_number()) return a.get<double>() < b.get<double>();
  return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
}

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    golang::decode_utf8(s, i, len);
    i += len;
    ++n;
  }
  return n;
}

// Keys computed by &expr for sort_by/max_by/min_by: all numbers or all strings.
std::vector<json> by_keys(const json& arr, const Node& expr, const std::string& fn) {
  std::vector<json> keys;
  keys.reserve(arr.size());
  for (const json& e : arr) keys.push_back(*evaluate(expr, Value::ref(e)));
  if (!keys.empty()) {
    bool numbers = keys[0].is_number();
    for (const json& k : keys) {
      if (numbers ? !k.is_number() : !k.is_string()) type_error(fn, "expression returning numbers or strings", k);
    }
  }
  return keys;
}

Value fn_abs(const Args& a, const std::string& f) {
  const json& n = want_number(a, 0, f);
  if (n.is_number_integer()) return Value::own(json(std::llabs(n.get<int64_t>())));
  return Value::own(make_number(std::fabs(n.get<double>())));
}
Value fn_avg(const Args& a, const std::string& f) {
  const json& arr = want_array(a, 0, f);
  if (arr.empty()) return Value();
  double sum = 0;
  for (const json& e : arr) {
    if (!e.is_number()) type_error(f, "array of numbers", e);
    sum += e.get<double>();
  }
  return Value::own(make_number(sum / static_cast<double>(arr.size())));
}
Value fn_ceil(const Args& a, const std::string& f) {
  return Value::own(make_number(std::ceil(want_number(a, 0, f).get<double>())));
}
Value fn_floor(const Args& a, const std::string& f) {
  return Value::own(make_number(std::floor(want_number(a, 0, f).get<double>())));
}
Value fn_contains(const Args& a, const std::string& f) {
  const json& subject = *a[0].value;
  const json& needle = *a[1].value;
  if (subject.is_string()) {
    if (!needle.is_string()) return Value::own(json(false));
    return Value::own(json(subject.get_ref<const std::string&>().find(needle.get_ref<const std::string&>()) !=
                           std::string::npos));
  }
  if (!subject.is_array()) type_error(f, "array or string", subject);
  return Value::own(json(std::find(subject.begin(), subject.end(), needle) != subject.end()));
}
Value fn_ends_with(const Args& a, const std::string& f) {
  const std::string& s = want_string(a, 0, f).get_ref<const std::string&>();
  const std::string& suffix = want_string(a, 1, f).get_ref<const std::string&>();
  return Value::own(json(s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0));
}
Value fn_starts_with(const Args& a, const std::string& f) {
  const std::string& s = want_string(a, 0, f).get_ref<const std::string&>();
  const std::string& prefix = want_string(a, 1, f).get_ref<const std::string&>();
  return Value::own(json(s.compare(0, prefix.size(), prefix) == 0));
}
Value fn_join(const Args& a, const std::string& f) {
  const std::string& glue = want_string(a, 0, f).get_ref<const std::string&>();
  const json& arr = want_array(a, 1, f);
  std::string out;
  bool first = true;
  for (const json& e : arr) {
    if (!e.is_string()) type_error(f, "array of strings", e);
    if (!first) out += glue;
    first = false;
    out += e.get_ref<const std::string&>();
  }
  return Value::own(json(std::move(out)));
}
Value fn_keys(const Args& a, const std::string& f) {
  json out = json::array();
  for (const auto& [k, v] : want_object(a, 0, f).items()) out.push_back(k);
  return Value::own(std::move(out));
}
Value fn_values(const Args& a, const std::string& f) {
  json out = json::array();
  for (const json& v : want_object(a, 0, f)) out.push_back(v);
  return Value::own(std::move(out));
}
Value fn_length(const Args& a, const std::string& f) {
  const json& j = *a[0].value;
  if (j.is_string()) return Value::own(json(utf8_length(j.get_ref<const std::string&>())));
  if (!j.is_array() && !j.is_object()) type_error(f, "string, array or object", j);
  return Value::own(json(j.size()));
}
Value fn_map(const Args& a, const std::string& f) {
  const Node& expr = want_expref(a, 0, f);
  const json& arr = want_array(a, 1, f);
  json out = json::array();
  for (const json& e : arr) out.push_back(*evaluate(expr, Value::ref(e)));
  return Value::own(std::move(out));
}
Value extreme(const Args& a, const std::string& f, bool want_max) {
  const json& arr = want_array(a, 0, f);
  if (arr.empty()) return Value();
  homogeneous(arr, f);
  const json* best = &arr[0];
  for (const json& e : arr) {
    if (want_max ? less_json(*best, e) : less_json(e, *best)) best = &e;
  }
  return a[0].value.child(*best);
}
Value fn_max(const Args& a, const std::string& f) { return extreme(a, f, true); }
Value fn_min(const Args& a, const std::string& f) { return extreme(a, f, false); }
Value extreme_by(const Args& a, const std::string& f, bool want_max) {
  const json& arr = want_array(a, 0, f);
  const Node& expr = want_expref(a, 1, f);
  if (arr.empty()) return Value();
  std::vector<json> keys = by_keys(arr, expr, f);
  size_t best = 0;
  for (size_t i = 1; i < keys.size(); ++i) {
    if (want_max ? less_json(keys[best], keys[i]) : less_json(keys[i], keys[best])) best = i;
  }
  return a[0].value.child(arr[best]);
}
Value fn_max_by(const Args& a, const std::string& f) { return extreme_by(a, f, true); }
Value fn_min_by(const Args& a, const std::string& f) { return extreme_by(a, f, false); }
Value fn_merge(const Args& a, const std::string& f) {
  json out = json::object();
  for (size_t i = 0; i < a.size(); ++i) {
    for (const auto& [k, v] : want_object(a, i, f).items()) out[k] = v;
  }
  return Value::own(std::move(out));
}
Value fn_not_null(const Args& a, const std::string&) {
  for (const Arg& arg : a) {
    if (!arg.value->is_null()) return arg.value;
  }
  return Value();
}
Value fn_reverse(const Args& a, const std::string& f) {
  const json& j = *a[0].value;
  if (j.is_string()) {
    // Reverse by code point, so multi-byte characters survive.
    const std::string& s = j.get_ref<const std::string&>();
    std::vector<std::string_view> chars;
    for (size_t i = 0; i < s.size();) {
      size_t len = 1;
      golang::decode_utf8(s, i, len);
      chars.emplace_back(s.data() + i, len);
      i += len;
    }
    std::string out;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) out += *it;
    return Value::own(json(std::move(out)));
  }
  if (!j.is_array()) type_error(f, "array or string", j);
  json out = json::array();
  for (auto it = j.rbegin(); it != j.rend(); ++it) out.push_back(*it);
  return Value::own(std::move(out));
}
Value fn_sort(const Args& a, const std::string& f) {
  json out = want_array(a, 0, f);
  homogeneous(out, f);
  std::stable_sort(out.begin(), out.end(), less_json);
  return Value::own(std::move(out));
}
Value fn_sort_by(const Args& a, const std::string& f) {
  const json& arr = want_array(a, 0, f);
  const Node& expr = want_expref(a, 1, f);
  std::vector<json> keys = by_keys(arr, expr, f);
  std::vector<size_t> order(arr.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return less_json(keys[x], keys[y]); });
  json out = json::array();
  for (size_t i : order) out.push_back(arr[i]);
  return Value::own(std::move(out));
}
Value fn_sum(const Args& a, const std::string& f) {
  double sum = 0;
  for (const json& e : want_array(a, 0, f)) {
    if (!e.is_number()) type_error(f, "array of numbers", e);
    sum += e.get<double>();
  }
  return Value::own(make_number(sum));
}
Value fn_to_array(const Args& a, const std::string&) {
  if (a[0].value->is_array()) return a[0].value;
  json out = json::array();
  out.push_back(*a[0].value);
  return Value::own(std::move(out));
}
Value fn_to_number(const Args& a, const std::string&) {
  const json& j = *a[0].value;
  if (j.is_number()) return a[0].value;
  if (!j.is_string()) return Value();
  json parsed = json::parse(j.get_ref<const std::string&>(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_number()) return Value();
  return Value::own(std::move(parsed));
}
Value fn_to_string(const Args& a, const std::string&) {
  const json& j = *a[0].value;
  if (j.is_string()) return a[0].value;
  return Value::own(json(j.dump()));
}
Value fn_type(const Args& a, const std::string&) { return Value::own(json(type_of(*a[0].value))); }

const std::unordered_map<std::string, Spec>& table() {
  static const std::unordered_map<std::string, Spec> t = {
      {"abs", {1, false, fn_abs}},           {"avg", {1, false, fn_avg}},
      {"ceil", {1, false, fn_ceil}},         {"contains", {2, false, fn_contains}},
      {"ends_with", {2, false, fn_ends_with}}, {"floor", {1, false, fn_floor}},
      {"join", {2, false, fn_join}},         {"keys", {1, false, fn_keys}},
      {"length", {1, false, fn_length}},     {"map", {2, false, fn_map}},
      {"max", {1, false, fn_max}},           {"max_by", {2, false, fn_max_by}},
      {"merge", {1, true, fn_merge}},        {"min", {1, false, fn_min}},
      {"min_by", {2, false, fn_min_by}},     {"not_null", {1, true, fn_not_null}},
      {"reverse", {1, false, fn_reverse}},   {"sort", {1, false, fn_sort}},
      {"sort_by", {2, false, fn_sort_by}},   {"starts_with", {2, false, fn_starts_with}},
      {"sum", {1, false, fn_sum}},           {"to_array", {1, false, fn_to_array}},
      {"to_number", {1, false, fn_to_number}}, {"to_string", {1, false, fn_to_string}},
      {"type", {1, false, fn_type}},         {"values", {1, false, fn_values}},
  };
  return t;
}

}  // namespace

bool is_known_function(const std::string& name) { return table().count(name) > 0; }

Value call_function(const Node& call, const Value& input) {
  auto it = table().find(call.name);
  if (it == table().end()) throw EvalError("unknown-function: " + call.name + "()");
  const Spec& spec = it->second;
  size_t n = call.children.size();
  if (n < spec.min_args || (!spec.variadic && n != spec.min_args)) {
    throw EvalError("invalid-arity: " + call.name + "() takes " + (spec.variadic ? "at least " : "") +
                    std::to_string(spec.min_args) + " argument(s), got " + std::to_string(n));
  }
  Args args(n);
  for (size_t i = 0; i < n; ++i) {
    const Node& c = *call.children[i];
    if (c.kind == NodeKind::kExpRef) {
      args[i].expref = c.children[0].get();
    } else {
      args[i].value = evaluate(c, input);
    }
  }
  return spec.impl(args, call.name);
}

}  // namespace jmespath
