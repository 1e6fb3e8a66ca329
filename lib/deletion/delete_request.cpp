#include "deletion/delete_request.h"

#include "logql/log/line_filter.h"
#include "logql/parser.h"

namespace deletion {

std::string_view status_name(Status status) { return status == Status::kProcessed ? "processed" : "received"; }

DeleteQuery::DeleteQuery(std::vector<logql::ast::Matcher> matchers, logql::LabelMatchers compiled,
                         std::vector<std::unique_ptr<logql::log::LineFilterStage>> filters)
    : matchers_(std::move(matchers)), compiled_matchers_(std::move(compiled)), filters_(std::move(filters)) {}

DeleteQuery::~DeleteQuery() = default;

util::Result<std::shared_ptr<const DeleteQuery>> DeleteQuery::compile(std::string_view query) {
  auto expr = logql::parse(query);
  if (!expr.ok()) return util::invalid_argument("invalid query expression: " + expr.error());
  const auto* selector = std::get_if<logql::ast::LogSelector>(&expr->node);
  if (!selector) return util::invalid_argument("invalid query expression: not a log selector: " + std::string(query));
  std::vector<std::unique_ptr<logql::log::LineFilterStage>> filters;
  for (const auto& stage : selector->stages) {
    const auto* lf = std::get_if<logql::ast::LineFilter>(&stage);
    if (!lf) {
      return util::invalid_argument("invalid query expression: only line filters may follow the selector: " +
                                    std::string(query));
    }
    auto compiled = logql::log::LineFilterStage::compile(*lf);
    if (!compiled.ok()) return util::invalid_argument("invalid query expression: " + compiled.error());
    filters.push_back(std::move(*compiled));
  }
  auto matchers = logql::LabelMatchers::compile(selector->matchers);
  if (!matchers.ok()) return util::invalid_argument("invalid query expression: " + matchers.error());
  return std::shared_ptr<const DeleteQuery>(
      new DeleteQuery(selector->matchers, std::move(*matchers), std::move(filters)));
}

bool DeleteQuery::matches_line(std::string_view line) const {
  for (const auto& f : filters_) {
    if (!f->matches(line)) return false;
  }
  return true;
}

}  // namespace deletion
