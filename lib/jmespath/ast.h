// The JMESPath syntax tree, shared by the parser, the evaluator and the functions. Plain data.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace jmespath {

enum class NodeKind : uint8_t {
  kCurrent,          // @ (and the implicit right side of a projection)
  kField,            // foo, "foo"
  kIndex,            // [0], [-1]
  kSlice,            // [start:stop:step]
  kSubexpression,    // left then right applied to left's result (a.b, a[0])
  kProjection,       // list projection: right applied to each element of left (a[*].b, a[:2].b)
  kValueProjection,  // object projection: right applied to each value of left (a.*.b)
  kFlatten,          // left[] : one level of nested lists merged
  kFilter,           // left[?cond] right
  kPipe,             // left | right
  kOr,
  kAnd,
  kNot,
  kCompare,
  kMultiList,  // [a, b]
  kMultiHash,  // {k: a, l: b}
  kLiteral,    // `json` or 'raw string'
  kFunction,   // name(args...)
  kExpRef,     // &expr, only as a function argument
};

enum class Comparator : uint8_t { kEq, kNe, kLt, kLte, kGt, kGte };

struct Node {
  NodeKind kind = NodeKind::kCurrent;
  std::string name;                        // field name, function name
  nlohmann::json literal;                  // kLiteral
  int64_t index = 0;                       // kIndex
  std::optional<int64_t> start, stop, step;  // kSlice
  Comparator cmp = Comparator::kEq;        // kCompare
  std::vector<std::unique_ptr<Node>> children;  // operands, in order (filter: left, right, cond)
  std::vector<std::string> keys;           // kMultiHash keys, parallel to children
};

using NodePtr = std::unique_ptr<Node>;

}  // namespace jmespath
