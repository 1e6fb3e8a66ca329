// Prometheus relabeling (model/relabel in Prometheus): RelabelConfig is one `relabel_configs`
// entry as written, RelabelRule the validated and compiled form that is applied to label sets.
// This is the project's one implementation: logtail's targets and pipeline and logd reuse it.
//
// Semantics follow Prometheus: values of `source_labels` joined with `separator` (default ";"),
// `regex` (default "(.*)") fully anchored, `replacement` (default "$1") and `target_label`
// expanded with Go's regexp.Expand rules (see replacement_template.h), `action` (default
// replace, case-insensitive). Label names use Prometheus's classic syntax [a-zA-Z_][a-zA-Z0-9_]*.
//
// Thread-safe: a RelabelRule is immutable after compile(); copies share the compiled regex.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "golang/regexp_expand.h"
#include "util/result.h"

namespace relabel {

enum class Action {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

// The lower-case YAML spelling ("replace", "hashmod", ...).
std::string_view action_name(Action action);
// Case-insensitive, as Prometheus reads it; nullopt for an unknown action.
std::optional<Action> parse_action(std::string_view text);

// One relabel_config as written, with Prometheus's defaults. The *_set flags record what the
// YAML spelled out, because Prometheus rejects some fields by presence (labeldrop with an
// explicit `source_labels: []`, keepequal with an explicit `regex: (.*)`), not by value.
struct RelabelConfig {
  std::vector<std::string> source_labels;
  bool source_labels_set = false;
  std::string separator = ";";
  std::string regex = "(.*)";  // unanchored, as written
  bool regex_set = false;
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  Action action = Action::kReplace;
};

class RelabelRule {
 public:
  // Validates with Prometheus's rules and messages, then compiles the regex (as
  // "^(?:<regex>)$") and the templates.
  static util::Result<RelabelRule> compile(RelabelConfig config);

  const RelabelConfig& config() const { return config_; }

  // Applies this rule to `labels` in place. Returns false when the rule drops the set (keep,
  // drop, keepequal, dropequal); `labels` is then left as it was.
  bool apply(model::LabelSet& labels) const;

 private:
  RelabelRule() = default;
  void apply_replace(std::string_view value, model::LabelSet& labels) const;
  void apply_labelmap(model::LabelSet& labels) const;
  void apply_label_filter(model::LabelSet& labels, bool keep_matching) const;

  RelabelConfig config_;
  std::shared_ptr<const RE2> regex_;
  golang::ExpandTemplate target_template_;
  golang::ExpandTemplate replacement_template_;
  int groups_needed_ = 0;  // capture groups either template uses, counting group 0
};

}  // namespace relabel
