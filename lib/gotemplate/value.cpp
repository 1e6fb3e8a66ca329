#include "gotemplate/value.h"

#include <charconv>
#include <cmath>

#include "golang/float_format.h"
#include "golang/time.h"
#include "gotemplate/template.h"
#include "model/time.h"

namespace gotemplate {


Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.b_ = b;
  return v;
}

Value Value::integer(int64_t i, IntType t) {
  Value v;
  v.kind_ = Kind::kInt;
  v.i_ = i;
  v.itype_ = t;
  return v;
}

Value Value::floating(double f) {
  Value v;
  v.kind_ = Kind::kFloat;
  v.f_ = f;
  return v;
}

Value Value::string_view(std::string_view s) {
  Value v;
  v.kind_ = Kind::kString;
  v.view_ = true;
  v.ext_ = s;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.str_ = std::move(s);
  return v;
}

Value Value::time(golang::Time t) {
  Value v;
  v.kind_ = Kind::kTime;
  v.obj_ = std::make_shared<const golang::Time>(std::move(t));
  return v;
}

Value Value::list(ValueList items) {
  Value v;
  v.kind_ = Kind::kList;
  v.obj_ = std::make_shared<const ValueList>(std::move(items));
  return v;
}

Value Value::map(ValueMap items) {
  Value v;
  v.kind_ = Kind::kMap;
  v.obj_ = std::make_shared<const ValueMap>(std::move(items));
  return v;
}

Value Value::labels(const Context* ctx) {
  Value v;
  v.kind_ = Kind::kLabels;
  v.ctx_ = ctx;
  return v;
}

std::string Value::type_name() const {
  switch (kind_) {
    case Kind::kNil: return "<nil>";
    case Kind::kBool: return "bool";
    case Kind::kInt:
      switch (itype_) {
        case IntType::kInt: return "int";
        case IntType::kInt64: return "int64";
        case IntType::kInt32: return "int32";
        case IntType::kUint8: return "uint8";
      }
      return "int";
    case Kind::kFloat: return "float64";
    case Kind::kString: return "string";
    case Kind::kTime: return "time.Time";
    case Kind::kList: return "[]interface {}";
    case Kind::kMap: return "map[string]interface {}";
    case Kind::kLabels: return "map[string]string";
  }
  return "?";
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::kNil: return false;
    case Kind::kBool: return b_;
    case Kind::kInt: return i_ != 0;
    case Kind::kFloat: return f_ != 0;
    case Kind::kString: return !as_string().empty();
    case Kind::kTime: return true;  // structs are always true
    case Kind::kList: return !as_list().empty();
    case Kind::kMap: return !as_map().empty();
    case Kind::kLabels: {
      bool any = false;
      ctx_->for_each_label([&](std::string_view, std::string_view) { any = true; });
      return any;
    }
  }
  return false;
}


void append_go_value(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNil: out += "<nil>"; return;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      return;
    }
    case Value::Kind::kFloat: golang::append_float(out, v.as_float(), 'g', -1); return;
    case Value::Kind::kString: out += v.as_string(); return;
    case Value::Kind::kTime: out += golang::time_string(v.as_time()); return;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out += ' ';
        first = false;
        append_go_value(out, item);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      out += "map[";
      bool first = true;
      for (const auto& [k, item] : v.as_map()) {
        if (!first) out += ' ';
        first = false;
        out += k;
        out += ':';
        append_go_value(out, item);
      }
      out += ']';
      return;
    }
    case Value::Kind::kLabels: {
      out += "map[";
      bool first = true;
      v.as_labels()->for_each_label([&](std::string_view name, std::string_view value) {
        if (!first) out += ' ';
        first = false;
        out += name;
        out += ':';
        out += value;
      });
      out += ']';
      return;
    }
  }
}

std::string go_value_string(const Value& v) {
  std::string s;
  append_go_value(s, v);
  return s;
}

}  // namespace gotemplate
