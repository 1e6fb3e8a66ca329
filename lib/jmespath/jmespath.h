// JMESPath (https://jmespath.org/specification.html) over nlohmann::json: the query language
// Promtail's json stage uses for `expressions`. The whole grammar (identifiers, sub-expressions,
// index/slice, wildcard/flatten/filter projections, comparators, pipes, multi-select, literals,
// `@`, expression references) and the spec's built-in functions.
//
// An Expression is compiled once and is immutable afterwards: search() is const and may run on
// many threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace jmespath {

struct Node;

class Expression {
 public:
  // Parses `text`; errors name the column and what was expected.
  static util::Result<Expression> compile(std::string_view text);

  // Evaluates against `document`. Runtime errors (a function given the wrong type or number of
  // arguments, a zero slice step) are errors, as in the spec; a path that does not exist is null.
  util::Result<nlohmann::json> search(const nlohmann::json& document) const;

  const std::string& text() const { return text_; }

  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

 private:
  Expression(std::string text, std::unique_ptr<Node> root);
  std::string text_;
  std::unique_ptr<Node> root_;
};

// One-shot convenience: compile and search.
util::Result<nlohmann::json> search(std::string_view expression, const nlohmann::json& document);

}  // namespace jmespath
