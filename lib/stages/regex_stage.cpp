// regex: named capture groups of an RE2 expression, matched against the line or an extracted
// value, become extracted values (an unmatched optional group extracts "", as in Go).
#include <re2/re2.h>

#include "stages/builtin.h"

namespace stages {

namespace {

class RegexStage final : public Stage {
 public:
  RegexStage(std::unique_ptr<RE2> re, std::optional<std::string> source) : re_(std::move(re)), source_(std::move(source)) {
    groups_.resize(static_cast<size_t>(re_->NumberOfCapturingGroups()) + 1);
    names_.resize(groups_.size());
    for (const auto& [name, index] : re_->NamedCapturingGroups()) names_[static_cast<size_t>(index)] = name;
  }
  std::string_view name() const override { return "regex"; }

  bool process(Entry& e) override {
    std::string_view input = e.line;
    if (source_) {
      const json* v = e.extracted.find(*source_);
      if (!v) return true;  // nothing to parse: Promtail logs at debug level and moves on
      scratch_.clear();
      if (!append_value_string(scratch_, *v)) return true;
      input = scratch_;
    }
    if (!re_->Match(re2::StringPiece(input.data(), input.size()), 0, input.size(), RE2::UNANCHORED, groups_.data(),
                    static_cast<int>(groups_.size()))) {
      return true;
    }
    for (size_t i = 1; i < groups_.size(); ++i) {
      if (names_[i].empty()) continue;
      e.extracted.set_string(names_[i], std::string_view(groups_[i].data(), groups_[i].size()));
    }
    return true;
  }

 private:
  std::unique_ptr<RE2> re_;
  std::optional<std::string> source_;
  std::vector<re2::StringPiece> groups_;
  std::vector<std::string> names_;
  std::string scratch_;
};

}  // namespace

// Shared by regex, replace, multiline and drop: Go's regexp syntax is RE2's.
util::Result<std::unique_ptr<RE2>> compile_re2(const std::string& where, const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, opts);
  if (!re->ok()) return stage_error(where, "invalid regular expression \"" + pattern + "\": " + re->error());
  return re;
}

StageResult compile_regex(const RegexSpec& spec, const std::string& where, const CompileContext&) {
  if (spec.source && spec.source->empty()) return stage_error(where, "\"source\" cannot be empty");
  auto re = compile_re2(where, spec.expression);
  if (!re.ok()) return re.status_error();
  if ((*re)->NamedCapturingGroups().empty()) {
    return stage_error(where, "expression must have at least one named capture group (?P<name>...)");
  }
  return std::unique_ptr<Stage>(std::make_unique<RegexStage>(std::move(*re), spec.source));
}

}  // namespace stages
