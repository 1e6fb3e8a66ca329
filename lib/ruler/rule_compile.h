// Semantic checks and compilation of rule groups: every expression parses as a LogQL metric
// query, names are valid (a recording rule's name is a metric name, label and annotation names are
// label names), recording rules carry no alert-only fields, and templates parse. What passes is
// compiled once (parsed query, parsed templates) for evaluation.
//
// Problems are reported with the rule's position and context (RuleError), every one of them, so
// `logcli rules lint` shows all of a file's mistakes at once.
//
// Thread-safe: pure functions; compiled groups are immutable and shared between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "logql/ast.h"
#include "ruler/rule_file.h"
#include "ruler/rule_template.h"

namespace ruler {

struct CompiledRule {
  Rule rule;
  std::shared_ptr<const logql::ast::Expr> expr;
  std::vector<std::pair<std::string, RuleTemplate>> labels;       // alerts: templates; records: literal
  std::vector<std::pair<std::string, RuleTemplate>> annotations;  // alerts only
};

struct CompiledGroup {
  std::string name_space;  // the file (namespace) the group belongs to
  RuleGroup group;
  std::vector<CompiledRule> rules;
};

// Checks and compiles `group` (from `file`). Problems are appended to `errors`; nullopt when there
// was any.
std::optional<CompiledGroup> compile_group(const RuleGroup& group, const std::string& file,
                                           std::vector<RuleError>& errors);

// Parses, checks and compiles a whole file; `errors` gets every problem. The groups are returned
// only when the file has no problem at all: a file is loaded whole or not at all.
std::vector<CompiledGroup> compile_rule_file(std::string_view yaml, const std::string& file,
                                             const std::string& name_space, std::vector<RuleError>& errors);

// Prometheus's metric name syntax: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool is_valid_metric_name(std::string_view name);

}  // namespace ruler
