#include "jmespath/jmespath.h"

#include "jmespath/interpreter.h"
#include "jmespath/parser.h"

namespace jmespath {

namespace {

// The spec makes an unknown function a compile-time error; finding it here means a typo in a
// promtail.yaml fails at startup rather than silently producing null for every line.
util::Status check_functions(const Node& n) {
  if (n.kind == NodeKind::kFunction && !is_known_function(n.name)) {
    return util::Error{"jmespath: unknown function " + n.name + "()"};
  }
  for (const auto& c : n.children) {
    if (auto st = check_functions(*c); !st.ok()) return st;
  }
  return {};
}

}  // namespace

util::Result<Expression> Expression::compile(std::string_view text) {
  auto root = parse(text);
  if (!root.ok()) return root.status_error();
  if (auto st = check_functions(**root); !st.ok()) return st.status_error();
  return Expression(std::string(text), std::move(root).value());
}

util::Result<nlohmann::json> Expression::search(const nlohmann::json& document) const {
  try {
    return nlohmann::json(*evaluate(*root_, Value::ref(document)));
  } catch (const EvalError& e) {
    return util::Error{std::string("jmespath: ") + e.what()};
  }
}

Expression::Expression(std::string text, std::unique_ptr<Node> root) : text_(std::move(text)), root_(std::move(root)) {}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

util::Result<nlohmann::json> search(std::string_view expression, const nlohmann::json& document) {
  auto e = Expression::compile(expression);
  if (!e.ok()) return e.status_error();
  return e->search(document);
}

}  // namespace jmespath
