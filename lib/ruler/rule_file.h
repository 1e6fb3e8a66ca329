// Rule files in Prometheus's format with LogQL expressions, as Loki's ruler reads them:
//
//   groups:
//     - name: <string>            # unique within the file (a file is one namespace)
//       interval: <duration>      # optional; ruler.evaluation_interval when absent
//       limit: <int>              # optional; max alerts / series per rule, 0 = none
//       rules:
//         - alert: <string> | record: <string>
//           expr: <LogQL metric query>
//           for: <duration>               # alerts only
//           keep_firing_for: <duration>   # alerts only
//           labels: {<name>: <template>}
//           annotations: {<name>: <template>}  # alerts only
//
// Parsing is strict (an unknown key is an error, as Prometheus's rulefmt decodes strictly) and
// reports every problem it finds, each with the file, line and column, the group and the rule.
// Semantic checks (LogQL, templates, names) are rule_validate.h's.
//
// Thread-safe: pure functions over values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace ruler {

// Label and annotation templates in name order (names are unique).
using TemplateMap = std::vector<std::pair<std::string, std::string>>;

struct Rule {
  std::string record;  // a recording rule's metric name, or ""
  std::string alert;   // an alerting rule's name, or ""
  std::string expr;
  int64_t for_ns = 0;
  int64_t keep_firing_for_ns = 0;
  TemplateMap labels;
  TemplateMap annotations;
  int line = 0;  // 1-based position of the rule in its file (0: not from a file)
  int col = 0;

  bool is_alert() const { return !alert.empty(); }
  const std::string& name() const { return is_alert() ? alert : record; }
  bool operator==(const Rule& o) const {
    return record == o.record && alert == o.alert && expr == o.expr && for_ns == o.for_ns &&
           keep_firing_for_ns == o.keep_firing_for_ns && labels == o.labels && annotations == o.annotations;
  }
};

struct RuleGroup {
  std::string name;
  int64_t interval_ns = 0;  // 0: the ruler's evaluation_interval
  int64_t limit = 0;
  std::vector<Rule> rules;
  int line = 0;
  int col = 0;
  bool operator==(const RuleGroup& o) const {
    return name == o.name && interval_ns == o.interval_ns && limit == o.limit && rules == o.rules;
  }
};

// One problem in a rule file: where it is and what is wrong.
struct RuleError {
  std::string file;
  int line = 0;  // 0 when unknown
  int col = 0;
  std::string group;      // "" when the problem is not inside a group
  int rule_index = -1;    // 0-based; -1 when not inside a rule
  std::string rule_name;  // the rule's alert or record name, when it has one
  std::string message;

  // "rules.yaml:12:9: group \"g\", rule 2 (alert \"X\"): expr: parse error ..."
  std::string to_string() const;
};

struct RuleFile {
  std::string name;  // the file name (or the namespace) errors are reported with
  std::vector<RuleGroup> groups;
};

struct ParsedRuleFile {
  RuleFile file;                  // the groups that parsed (possibly with semantic problems)
  std::vector<RuleError> errors;  // empty when the file is well-formed
};

// Parses a whole rule file (`groups:` at the top). YAML syntax errors are reported as one error
// with their position and leave no groups.
ParsedRuleFile parse_rule_file(std::string_view yaml, const std::string& file_name);

// Parses one group mapping (the body of POST /loki/api/v1/rules/{namespace}).
util::Result<RuleGroup> parse_rule_group(std::string_view yaml, std::vector<RuleError>* errors = nullptr);

// YAML as the rules API returns it and the local store writes it.
std::string format_rule_group(const RuleGroup& group);
// `groups:` with every group: a rule file.
std::string format_rule_file(const std::vector<RuleGroup>& groups);
// `{namespace: [groups...]}` in namespace order: GET /loki/api/v1/rules.
std::string format_namespaces(const std::vector<std::pair<std::string, std::vector<RuleGroup>>>& namespaces);

}  // namespace ruler
