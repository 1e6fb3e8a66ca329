// Value: the dynamic value a Go template works with (Go's reflect.Value, reduced to the kinds
// Loki's templates can produce), and Go's default printing of it (fmt's %v).
//
// Strings are either views into data that outlives the execution (label values, the log line,
// template literals) or owned, so reading a label costs no allocation. Values are not
// thread-safe to share while mutated; each execution owns its values.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "golang/float_format.h"
#include "golang/time.h"

namespace gotemplate {

class Context;

class Value;
using ValueList = std::vector<Value>;
using ValueMap = std::map<std::string, Value, std::less<>>;

class Value {
 public:
  enum class Kind : uint8_t { kNil, kBool, kInt, kFloat, kString, kTime, kList, kMap, kLabels };
  // Go has many integer types and template functions are picky about them ("expected int; got
  // int64"), so the concrete type is kept.
  enum class IntType : uint8_t { kInt, kInt64, kInt32, kUint8 };

  Value() = default;
  static Value nil() { return Value(); }
  static Value boolean(bool b);
  static Value integer(int64_t i, IntType t = IntType::kInt);
  static Value floating(double f);
  static Value string_view(std::string_view s);  // caller guarantees the data outlives the value
  static Value string(std::string s);
  static Value time(golang::Time t);
  static Value list(ValueList items);
  static Value map(ValueMap items);
  static Value labels(const Context* ctx);  // the template's `.`: Loki's map[string]string of labels

  Kind kind() const { return kind_; }
  IntType int_type() const { return itype_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool as_bool() const { return b_; }
  int64_t as_int() const { return i_; }
  double as_float() const { return f_; }
  std::string_view as_string() const { return view_ ? ext_ : std::string_view(str_); }
  // A string that views external data (see string_view()); substrings of it may be views too.
  bool is_view() const { return view_; }
  const golang::Time& as_time() const { return *static_cast<const golang::Time*>(obj_.get()); }
  const ValueList& as_list() const { return *static_cast<const ValueList*>(obj_.get()); }
  const ValueMap& as_map() const { return *static_cast<const ValueMap*>(obj_.get()); }
  const Context* as_labels() const { return ctx_; }

  // Go's type name, as error messages and %T print it.
  std::string type_name() const;
  // text/template's truth: false, 0, nil, and empty strings, lists and maps are false.
  bool truthy() const;

 private:
  // Kept small: values are created and destroyed for every operand of every entry.
  Kind kind_ = Kind::kNil;
  IntType itype_ = IntType::kInt;
  bool b_ = false;
  bool view_ = false;
  union {
    int64_t i_ = 0;
    double f_;
    const Context* ctx_;
  };
  std::string_view ext_;
  std::string str_;
  std::shared_ptr<const void> obj_;  // golang::Time, ValueList or ValueMap, shared between copies
};

// Appends the value as fmt.Print prints it (%v): floats in Go's shortest %g form ("1e+06", "0.5"),
// maps as map[k:v], lists as [a b], times as time.Time.String(), nil as "<nil>".
void append_go_value(std::string& out, const Value& v);
std::string go_value_string(const Value& v);

}  // namespace gotemplate
