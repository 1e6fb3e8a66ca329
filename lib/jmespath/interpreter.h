// JMESPath evaluation over nlohmann::json. Results that are parts of the input document are
// referenced, not copied (a field lookup costs no allocation); computed results are owned.
// Stateless: evaluate() may run concurrently on shared trees and documents.
#pragma once

#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "jmespath/ast.h"

namespace jmespath {

using json = nlohmann::json;

// A JSON value that either points into a document that outlives it or owns a computed value.
class Value {
 public:
  Value();
  static Value ref(const json& j) {
    Value v;
    v.ptr_ = &j;
    return v;
  }
  static Value own(json j) {
    Value v;
    v.owned_ = std::make_shared<const json>(std::move(j));
    v.ptr_ = v.owned_.get();
    return v;
  }
  // A part of this value (an element or member), sharing its ownership.
  Value child(const json& part) const {
    Value v;
    v.ptr_ = &part;
    v.owned_ = owned_;
    return v;
  }
  const json& get() const { return *ptr_; }
  const json* operator->() const { return ptr_; }
  const json& operator*() const { return *ptr_; }

 private:
  const json* ptr_;
  std::shared_ptr<const json> owned_;
};

// A runtime error (invalid-type, invalid-arity, ...). Thrown inside the evaluator only;
// Expression::search() returns it as a util::Error.
struct EvalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Value evaluate(const Node& node, const Value& input);

// JMESPath truthiness: false, null, "", [] and {} are false.
bool truthy(const json& j);

// A number as JMESPath produces it: integral values stay integers (so they print as `3`, like
// Go's float64 formatting, not `3.0`).
json make_number(double d);

// Functions (functions.cpp).
Value call_function(const Node& call, const Value& input);
bool is_known_function(const std::string& name);

}  // namespace jmespath
