// `| json` and `| json label="expression", ...`, as Loki's JSONParser and
// JSONExpressionParser: every scalar field becomes a label, nested objects flattened with `_`,
// arrays and nulls skipped, numbers kept as written; with parameters only the selected paths
// (`a.b`, `a[0]`, `["a.b"]`) are extracted, objects and arrays as their JSON text.
// A line that is not a JSON object gets `__error__=JSONParserErr`; it is not dropped.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "logql/ast.h"
#include "logql/log/stage.h"
#include "util/result.h"

namespace logql::log {

class JsonParserStage final : public Stage {
 public:
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;
};

// One step of a JSON path expression: an object key or an array index.
using JsonPathStep = std::variant<std::string, int>;
util::Result<std::vector<JsonPathStep>> parse_json_path(std::string_view expr);

class JsonExpressionParserStage final : public Stage {
 public:
  static util::Result<std::unique_ptr<JsonExpressionParserStage>> compile(const std::vector<ast::ExtractionParam>& params);
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  struct Expr {
    std::string label;
    std::vector<JsonPathStep> path;
  };
  std::vector<Expr> exprs_;
};

}  // namespace logql::log
