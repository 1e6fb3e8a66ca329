#include "relabel/relabel_rule.h"

#include <array>
#include <string>

#include "golang/quote.h"
#include "golang/unicode_case.h"
#include "relabel/md5.h"

namespace relabel {
namespace {

struct ActionSpelling {
  Action action;
  std::string_view name;
};
constexpr std::array<ActionSpelling, 11> kActions = {{
    {Action::kReplace, "replace"},
    {Action::kKeep, "keep"},
    {Action::kDrop, "drop"},
    {Action::kKeepEqual, "keepequal"},
    {Action::kDropEqual, "dropequal"},
    {Action::kHashMod, "hashmod"},
    {Action::kLabelMap, "labelmap"},
    {Action::kLabelDrop, "labeldrop"},
    {Action::kLabelKeep, "labelkeep"},
    {Action::kLowercase, "lowercase"},
    {Action::kUppercase, "uppercase"},
}};

RE2::Options go_regexp_options() {
  RE2::Options o;
  o.set_log_errors(false);  // errors come back to the caller as messages
  return o;
}

// Prometheus's pattern for a target label that may contain `$` references (relabelTarget).
const RE2& templated_label_pattern() {
  static const RE2 re(R"(^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$)", go_regexp_options());
  return re;
}

bool is_templated_label(std::string_view s) {
  return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), templated_label_pattern());
}

util::Error invalid_field(const RelabelConfig& c, std::string_view value, std::string_view field) {
  return util::Error{golang::quote(value) + " is invalid '" + std::string(field) +
                     "' for " + std::string(action_name(c.action)) + " action"};
}

// Prometheus's Config.Validate, in its order, with its messages.
util::Status validate(const RelabelConfig& c) {
  const RelabelConfig defaults;
  const Action a = c.action;
  const std::string name(action_name(a));
  if (a == Action::kHashMod && c.modulus == 0) {
    return util::Error{"relabel configuration for hashmod requires non-zero modulus"};
  }
  const bool needs_target = a == Action::kReplace || a == Action::kHashMod ||
                            a == Action::kLowercase || a == Action::kUppercase ||
                            a == Action::kKeepEqual || a == Action::kDropEqual;
  if (needs_target && c.target_label.empty()) {
    return util::Error{"relabel configuration for " + name +
                       " action requires 'target_label' value"};
  }
  const bool templated = c.target_label.find('$') != std::string::npos;
  if (a == Action::kReplace && !templated && !model::is_valid_label_name(c.target_label)) {
    return invalid_field(c, c.target_label, "target_label");
  }
  if (a == Action::kReplace && templated && !is_templated_label(c.target_label)) {
    return invalid_field(c, c.target_label, "target_label");
  }
  const bool plain_target = a == Action::kLowercase || a == Action::kUppercase ||
                            a == Action::kKeepEqual || a == Action::kDropEqual;
  if (plain_target && !model::is_valid_label_name(c.target_label)) {
    return invalid_field(c, c.target_label, "target_label");
  }
  if (plain_target && c.replacement != defaults.replacement) {
    return util::Error{"'replacement' can not be set for " + name + " action"};
  }
  if (a == Action::kLabelMap && !is_templated_label(c.replacement)) {
    return invalid_field(c, c.replacement, "replacement");
  }
  if (a == Action::kHashMod && !model::is_valid_label_name(c.target_label)) {
    return invalid_field(c, c.target_label, "target_label");
  }
  if ((a == Action::kKeepEqual || a == Action::kDropEqual) &&
      (c.regex_set || c.modulus != 0 || c.separator != defaults.separator ||
       c.replacement != defaults.replacement)) {
    return util::Error{name +
                       " action requires only 'source_labels' and `target_label`, and no other fields"};
  }
  if ((a == Action::kLabelDrop || a == Action::kLabelKeep) &&
      (c.source_labels_set || !c.target_label.empty() || c.modulus != 0 ||
       c.separator != defaults.separator || c.replacement != defaults.replacement)) {
    return util::Error{name + " action requires only 'regex', and no other fields"};
  }
  return {};
}

// Joins the source label values; a missing label contributes an empty string, as in Prometheus.
void join_source_values(const RelabelConfig& c, const model::LabelSet& labels, std::string& out) {
  out.clear();
  for (size_t i = 0; i < c.source_labels.size(); ++i) {
    if (i > 0) out.append(c.separator);
    if (auto v = labels.get(c.source_labels[i])) out.append(*v);
  }
}

// Capture groups on the stack for the common case; relabel regexes rarely have more.
class GroupBuffer {
 public:
  explicit GroupBuffer(int n) : n_(n) {
    if (n > kInline) heap_.resize(static_cast<size_t>(n));
  }
  re2::StringPiece* data() { return n_ > kInline ? heap_.data() : inline_.data(); }
  int size() const { return n_; }

 private:
  static constexpr int kInline = 10;
  int n_;
  std::array<re2::StringPiece, kInline> inline_{};
  std::vector<re2::StringPiece> heap_;
};

}  // namespace

std::string_view action_name(Action action) {
  for (const auto& a : kActions) {
    if (a.action == action) return a.name;
  }
  return "unknown";
}

std::optional<Action> parse_action(std::string_view text) {
  std::string lower = golang::to_lower(text);
  for (const auto& a : kActions) {
    if (a.name == lower) return a.action;
  }
  return std::nullopt;
}

util::Result<RelabelRule> RelabelRule::compile(RelabelConfig config) {
  if (auto st = validate(config); !st.ok()) return st.status_error();
  auto regex = std::make_shared<const RE2>("^(?:" + config.regex + ")$", go_regexp_options());
  if (!regex->ok()) {
    return util::Error{"error parsing regexp: " + regex->error() + ": " +
                       golang::quote(config.regex)};
  }
  RelabelRule rule;
  rule.target_template_ = golang::ExpandTemplate::compile(config.target_label, *regex);
  rule.replacement_template_ = golang::ExpandTemplate::compile(config.replacement, *regex);
  rule.groups_needed_ =
      std::max(rule.target_template_.groups_needed(), rule.replacement_template_.groups_needed());
  rule.regex_ = std::move(regex);
  rule.config_ = std::move(config);
  return rule;
}

bool RelabelRule::apply(model::LabelSet& labels) const {
  // One buffer per thread: relabeling runs per target or per entry and must not allocate.
  thread_local std::string value;
  join_source_values(config_, labels, value);
  const re2::StringPiece input(value);
  switch (config_.action) {
    case Action::kDrop:
      return !RE2::PartialMatch(input, *regex_);
    case Action::kKeep:
      return RE2::PartialMatch(input, *regex_);
    case Action::kDropEqual:
      return labels.get(config_.target_label).value_or("") != value;
    case Action::kKeepEqual:
      return labels.get(config_.target_label).value_or("") == value;
    case Action::kReplace:
      apply_replace(value, labels);
      return true;
    case Action::kLowercase:
      labels.set(config_.target_label, golang::to_lower(value));
      return true;
    case Action::kUppercase:
      labels.set(config_.target_label, golang::to_upper(value));
      return true;
    case Action::kHashMod: {
      // Prometheus hashes with MD5 and keeps the last 8 bytes, read big-endian, so shards
      // agree with Prometheus and Promtail.
      auto digest = md5(value);
      uint64_t h = 0;
      for (int i = 8; i < 16; ++i) h = (h << 8) | digest[static_cast<size_t>(i)];
      labels.set(config_.target_label, std::to_string(h % config_.modulus));
      return true;
    }
    case Action::kLabelMap:
      apply_labelmap(labels);
      return true;
    case Action::kLabelDrop:
      apply_label_filter(labels, false);
      return true;
    case Action::kLabelKeep:
      apply_label_filter(labels, true);
      return true;
  }
  return true;
}

void RelabelRule::apply_replace(std::string_view value, model::LabelSet& labels) const {
  GroupBuffer groups(groups_needed_);
  if (!regex_->Match(re2::StringPiece(value.data(), value.size()), 0, value.size(),
                     RE2::UNANCHORED, groups.data(), groups.size())) {
    return;  // no match, no replacement
  }
  thread_local std::string target;
  thread_local std::string result;
  target.clear();
  target_template_.expand_to(target, groups.data(), groups.size());
  // A templated target that expands to an invalid name is skipped, not an error.
  if (!model::is_valid_label_name(target)) return;
  result.clear();
  replacement_template_.expand_to(result, groups.data(), groups.size());
  labels.set(target, result);  // an empty result deletes the label
}

void RelabelRule::apply_labelmap(model::LabelSet& labels) const {
  // Like Prometheus's Builder.Range, iterate over the labels as they were before this rule, so
  // names added here are not mapped again.
  const std::vector<model::Label> before = labels.labels();
  GroupBuffer groups(std::max(groups_needed_, 1));
  thread_local std::string name;
  for (const model::Label& l : before) {
    if (!regex_->Match(l.name, 0, l.name.size(), RE2::UNANCHORED, groups.data(), groups.size())) {
      continue;
    }
    name.clear();
    replacement_template_.expand_to(name, groups.data(), groups.size());
    if (!name.empty()) labels.set(name, l.value);  // an empty name is never a label
  }
}

void RelabelRule::apply_label_filter(model::LabelSet& labels, bool keep_matching) const {
  // The common case removes nothing: check first so it costs no allocation.
  bool any = false;
  for (const model::Label& l : labels) {
    if (RE2::PartialMatch(l.name, *regex_) != keep_matching) {
      any = true;
      break;
    }
  }
  if (!any) return;
  std::vector<model::Label> kept;
  kept.reserve(labels.size());
  for (const model::Label& l : labels) {
    if (RE2::PartialMatch(l.name, *regex_) == keep_matching) kept.push_back(l);
  }
  labels = model::LabelSet::from_unsorted(std::move(kept));
}

}  // namespace relabel
