// Go text/template's predefined functions: and or not len index slice print printf println
// html js urlquery eq ne lt le gt ge call.
#include <string>

#include "logql/template/functions.h"
#include "logql/template/go_format.h"
#include "logql/template/template.h"
#include "model/go_string.h"

namespace logql::tmpl {


namespace {

using Args = std::vector<Value>;
using R = util::Result<Value>;

enum class Basic { kInvalid, kBool, kInt, kFloat, kString, kOther };

Basic basic_kind(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNil: return Basic::kInvalid;
    case Value::Kind::kBool: return Basic::kBool;
    case Value::Kind::kInt: return Basic::kInt;
    case Value::Kind::kFloat: return Basic::kFloat;
    case Value::Kind::kString: return Basic::kString;
    default: return Basic::kOther;
  }
}

const char kBadComparisonType[] = "invalid type for comparison";
const char kBadComparison[] = "incompatible types for comparison";

util::Result<bool> eq2(const Value& a, const Value& b) {
  Basic k1 = basic_kind(a), k2 = basic_kind(b);
  if (k1 != k2) {
    if (!a.is_nil() && !b.is_nil()) return util::Error{kBadComparison};
    return false;
  }
  switch (k1) {
    case Basic::kBool: return a.as_bool() == b.as_bool();
    case Basic::kInt: return a.as_int() == b.as_int();
    case Basic::kFloat: return a.as_float() == b.as_float();
    case Basic::kString: return a.as_string() == b.as_string();
    case Basic::kInvalid: return true;
    default:
      if (a.kind() == Value::Kind::kTime && b.kind() == Value::Kind::kTime) {
        const GoTime &x = a.as_time(), &y = b.as_time();
        return x.sec == y.sec && x.nsec == y.nsec && x.offset == y.offset && x.zone == y.zone;
      }
      return util::Error{"non-comparable type " + go_value_string(a) + ": " + a.type_name()};
  }
}

R fn_eq(Args& a, const Context&) {
  if (a.size() < 2) return util::Error{"missing argument for comparison"};
  for (size_t i = 1; i < a.size(); ++i) {
    auto r = eq2(a[0], a[i]);
    if (!r.ok()) return r.status_error();
    if (*r) return Value::boolean(true);
  }
  return Value::boolean(false);
}

R fn_ne(Args& a, const Context&) {
  auto r = eq2(a[0], a[1]);
  if (!r.ok()) return r.status_error();
  return Value::boolean(!*r);
}

util::Result<bool> lt2(const Value& a, const Value& b) {
  Basic k1 = basic_kind(a), k2 = basic_kind(b);
  if (k1 == Basic::kInvalid || k1 == Basic::kOther || k2 == Basic::kInvalid || k2 == Basic::kOther)
    return util::Error{kBadComparisonType};
  if (k1 != k2) return util::Error{kBadComparison};
  switch (k1) {
    case Basic::kInt: return a.as_int() < b.as_int();
    case Basic::kFloat: return a.as_float() < b.as_float();
    case Basic::kString: return a.as_string() < b.as_string();
    default: return util::Error{kBadComparisonType};
  }
}

util::Result<bool> le2(const Value& a, const Value& b) {
  auto l = lt2(a, b);
  if (!l.ok() || *l) return l;
  return eq2(a, b);
}

R fn_lt(Args& a, const Context&) {
  auto r = lt2(a[0], a[1]);
  if (!r.ok()) return r.status_error();
  return Value::boolean(*r);
}
R fn_le(Args& a, const Context&) {
  auto r = le2(a[0], a[1]);
  if (!r.ok()) return r.status_error();
  return Value::boolean(*r);
}
R fn_gt(Args& a, const Context&) {
  auto r = le2(a[0], a[1]);
  if (!r.ok()) return r.status_error();
  return Value::boolean(!*r);
}
R fn_ge(Args& a, const Context&) {
  auto r = lt2(a[0], a[1]);
  if (!r.ok()) return r.status_error();
  return Value::boolean(!*r);
}

R fn_not(Args& a, const Context&) { return Value::boolean(!a[0].truthy()); }

R fn_len(Args& a, const Context&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Value::Kind::kString: return Value::integer(static_cast<int64_t>(v.as_string().size()));
    case Value::Kind::kList: return Value::integer(static_cast<int64_t>(v.as_list().size()));
    case Value::Kind::kMap: return Value::integer(static_cast<int64_t>(v.as_map().size()));
    case Value::Kind::kLabels: {
      int64_t n = 0;
      v.as_labels()->for_each_label([&](std::string_view, std::string_view) { ++n; });
      return Value::integer(n);
    }
    case Value::Kind::kNil: return util::Error{"len of nil pointer"};
    default: return util::Error{"len of type " + v.type_name()};
  }
}

util::Result<int64_t> index_arg(const Value& idx, size_t len, bool allow_len) {
  if (idx.is_nil()) return util::Error{"cannot index slice/array with nil"};
  if (idx.kind() != Value::Kind::kInt) return util::Error{"cannot index slice/array with type " + idx.type_name()};
  int64_t x = idx.as_int();
  if (x < 0 || static_cast<size_t>(x) > len || (!allow_len && static_cast<size_t>(x) == len))
    return util::Error{"index out of range: " + std::to_string(x)};
  return x;
}

R fn_index(Args& a, const Context&) {
  Value item = a[0];
  if (item.is_nil()) return util::Error{"index of untyped nil"};
  for (size_t i = 1; i < a.size(); ++i) {
    const Value& idx = a[i];
    switch (item.kind()) {
      case Value::Kind::kString: {
        auto x = index_arg(idx, item.as_string().size(), false);
        if (!x.ok()) return x.status_error();
        item = Value::integer(static_cast<unsigned char>(item.as_string()[static_cast<size_t>(*x)]), Value::IntType::kUint8);
        break;
      }
      case Value::Kind::kList: {
        auto x = index_arg(idx, item.as_list().size(), false);
        if (!x.ok()) return x.status_error();
        Value next = item.as_list()[static_cast<size_t>(*x)];
        item = next;
        break;
      }
      case Value::Kind::kMap:
      case Value::Kind::kLabels: {
        if (idx.kind() != Value::Kind::kString) {
          if (idx.is_nil()) return util::Error{"value is nil; should be of type string"};
          return util::Error{"value has type " + idx.type_name() + "; should be string"};
        }
        if (item.kind() == Value::Kind::kLabels) {
          auto v = item.as_labels()->label(idx.as_string());
          item = Value::string_view(v ? *v : std::string_view());
        } else {
          auto it = item.as_map().find(idx.as_string());
          Value next = it == item.as_map().end() ? Value() : it->second;
          item = next;
        }
        break;
      }
      case Value::Kind::kNil: return util::Error{"index of nil pointer"};
      default: return util::Error{"can't index item of type " + item.type_name()};
    }
  }
  return item;
}

R fn_slice(Args& a, const Context&) {
  const Value& item = a[0];
  if (item.is_nil()) return util::Error{"slice of untyped nil"};
  size_t nidx = a.size() - 1;
  if (nidx > 3) return util::Error{"too many slice indexes: " + std::to_string(nidx)};
  size_t len;
  if (item.kind() == Value::Kind::kString) {
    if (nidx == 3) return util::Error{"cannot 3-index slice a string"};
    len = item.as_string().size();
  } else if (item.kind() == Value::Kind::kList) {
    len = item.as_list().size();
  } else {
    return util::Error{"can't slice item of type " + item.type_name()};
  }
  int64_t idx[3] = {0, static_cast<int64_t>(len), static_cast<int64_t>(len)};
  for (size_t i = 0; i < nidx; ++i) {
    auto x = index_arg(a[i + 1], len, true);
    if (!x.ok()) return x.status_error();
    idx[i] = *x;
  }
  if (idx[0] > idx[1]) return util::Error{"invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1])};
  if (nidx == 3 && idx[1] > idx[2])
    return util::Error{"invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2])};
  if (item.kind() == Value::Kind::kString)
    return Value::string(std::string(item.as_string().substr(static_cast<size_t>(idx[0]), static_cast<size_t>(idx[1] - idx[0]))));
  ValueList out(item.as_list().begin() + idx[0], item.as_list().begin() + idx[1]);
  return Value::list(std::move(out));
}

R fn_print(Args& a, const Context&) {
  std::string s;
  go_sprint(s, a);
  return Value::string(std::move(s));
}

R fn_println(Args& a, const Context&) {
  std::string s;
  go_sprintln(s, a);
  return Value::string(std::move(s));
}

R fn_printf(Args& a, const Context&) {
  std::string s;
  go_sprintf(s, a[0].as_string(), a, 1);
  return Value::string(std::move(s));
}

// text/template's evalArgs: a lone string as is, else fmt.Sprint of the arguments.
std::string eval_args(const Args& a) {
  if (a.size() == 1 && a[0].kind() == Value::Kind::kString) return std::string(a[0].as_string());
  std::string s;
  go_sprint(s, a);
  return s;
}

R fn_html(Args& a, const Context&) {
  std::string s = eval_args(a), out;
  for (char c : s) {
    switch (c) {
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
  return Value::string(std::move(out));
}

R fn_js(Args& a, const Context&) {
  std::string s = eval_args(a), out;
  static const char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\': out += "\\\\"; break;
        case '\'': out += "\\'"; break;
        case '"': out += "\\\""; break;
        case '<': out += "\\u003C"; break;
        case '>': out += "\\u003E"; break;
        case '&': out += "\\u0026"; break;
        case '=': out += "\\u003D"; break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t len;
    int32_t cp = model::decode_utf8(s, i, len);
    // Printable runes stay; others are escaped.
    if (cp >= 0xa0 && cp != 0x2028 && cp != 0x2029 && cp != 0xfeff && cp != 0xad) {
      out.append(s, i, len);
    } else {
      if (cp < 0) cp = 0xfffd;
      out += "\\u";
      for (int sh = 12; sh >= 0; sh -= 4) out += kHex[(cp >> sh) & 15];
    }
    i += len;
  }
  return Value::string(std::move(out));
}

R fn_urlquery(Args& a, const Context&) { return Value::string(url_query_escape(eval_args(a))); }

R fn_call(Args& a, const Context&) {
  if (a[0].is_nil()) return util::Error{"call of nil"};
  return util::Error{"non-function of type " + a[0].type_name()};
}

R fn_unused(Args&, const Context&) { return Value(); }

}  // namespace

void register_builtin_functions(FuncTable& t) {
  using P = Param;
  t["and"] = {{P::kRaw, P::kRaw}, true, fn_unused, FuncSpec::Special::kAnd};
  t["or"] = {{P::kRaw, P::kRaw}, true, fn_unused, FuncSpec::Special::kOr};
  t["not"] = {{P::kRaw}, false, fn_not};
  t["len"] = {{P::kRaw}, false, fn_len};
  t["index"] = {{P::kRaw, P::kRaw}, true, fn_index};
  t["slice"] = {{P::kRaw, P::kRaw}, true, fn_slice};
  t["print"] = {{P::kAny}, true, fn_print};
  t["println"] = {{P::kAny}, true, fn_println};
  t["printf"] = {{P::kString, P::kAny}, true, fn_printf};
  t["html"] = {{P::kAny}, true, fn_html};
  t["js"] = {{P::kAny}, true, fn_js};
  t["urlquery"] = {{P::kAny}, true, fn_urlquery};
  t["eq"] = {{P::kRaw, P::kRaw}, true, fn_eq};
  t["ne"] = {{P::kRaw, P::kRaw}, false, fn_ne};
  t["lt"] = {{P::kRaw, P::kRaw}, false, fn_lt};
  t["le"] = {{P::kRaw, P::kRaw}, false, fn_le};
  t["gt"] = {{P::kRaw, P::kRaw}, false, fn_gt};
  t["ge"] = {{P::kRaw, P::kRaw}, false, fn_ge};
  t["call"] = {{P::kRaw, P::kRaw}, true, fn_call};
}

}  // namespace logql::tmpl
