// The functions a Loki template can call: Go's text/template builtins, Loki's own additions
// (__line__, __timestamp__, toDateInZone, ...) and the subset of sprig Loki exposes.
//
// Each function declares its Go parameter types; the executor converts and checks arguments
// with text/template's rules before calling it, so implementations receive well-typed values.
// The table is built once and is read-only afterwards (safe to share between threads).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "logql/template/function_set.h"
#include "logql/template/value.h"
#include "util/result.h"

namespace logql::tmpl {

class Context;

// Go parameter types. kRaw is reflect.Value (builtins such as eq or index that inspect their
// arguments themselves); kAny is interface{}.
enum class Param : uint8_t { kString, kInt, kInt64, kFloat64, kBool, kTime, kAny, kRaw };

using FuncImpl = util::Result<Value> (*)(std::vector<Value>& args, const Context& ctx);

struct FuncSpec {
  std::vector<Param> params;  // for a variadic function the last one is the element type
  bool variadic = false;
  FuncImpl impl = nullptr;
  // and/or evaluate lazily and are handled by the executor itself.
  enum class Special : uint8_t { kNone, kAnd, kOr } special = Special::kNone;
};

using FuncTable = std::unordered_map<std::string_view, FuncSpec>;

// All functions of a set, by name.
const FuncTable& function_table(FunctionSet set = FunctionSet::kLoki);
const FuncSpec* find_function(std::string_view name, FunctionSet set = FunctionSet::kLoki);

// Per-area registration, one per source file.
void register_builtin_functions(FuncTable& t);
void register_string_functions(FuncTable& t);
void register_math_functions(FuncTable& t);
void register_time_functions(FuncTable& t);
void register_encoding_functions(FuncTable& t);
void register_promtail_functions(FuncTable& t);
void register_prometheus_functions(FuncTable& t);

// Go's url.QueryEscape (unreserved bytes as is, space as '+', the rest %XX), as urlquery and
// urlencode use it; also Prometheus's graph links.
std::string url_query_escape(std::string_view s);

// sprig's cast-based conversions of interface{} values (strings are parsed, failures give 0).
int64_t to_int64(const Value& v);
double to_float64(const Value& v);

}  // namespace logql::tmpl
