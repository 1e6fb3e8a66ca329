#include "logql/log/drop_keep.h"

namespace logql::log {

util::Result<std::unique_ptr<DropKeepStage>> DropKeepStage::compile(const std::vector<ast::LabelSelection>& labels,
                                                                    bool keep) {
  auto stage = std::make_unique<DropKeepStage>();
  stage->keep_ = keep;
  for (const auto& l : labels) {
    Sel sel{l.name, std::nullopt};
    if (l.matcher) {
      auto m = LabelMatcher::compile(*l.matcher);
      if (!m.ok()) return m.status_error();
      sel.matcher.emplace(std::move(*m));
    }
    stage->sels_.push_back(std::move(sel));
  }
  return stage;
}

bool DropKeepStage::process(int64_t, std::string_view&, LabelsBuilder& lbs, StageScratch& s) const {
  if (!keep_) {
    for (const auto& sel : sels_) {
      if (sel.name == kErrorLabel) {
        if (!sel.matcher || sel.matcher->matches(lbs.error())) lbs.reset_error();
        continue;
      }
      if (sel.name == kErrorDetailsLabel) {
        if (!sel.matcher || sel.matcher->matches(lbs.error_details())) lbs.reset_error_details();
        continue;
      }
      auto v = lbs.get(sel.name);
      if (sel.matcher ? sel.matcher->matches(v.value_or(std::string_view())) : v.has_value()) lbs.del(sel.name);
    }
    return true;
  }
  if (sels_.empty()) return true;
  thread_local std::vector<std::pair<std::string_view, std::string_view>> cur;
  lbs.collect(cur);
  // Copy the names to delete first: deleting invalidates the collected views.
  s.npairs = 0;
  for (const auto& [name, value] : cur) {
    // keep never removes the error labels (Loki's isSpecialLabel), `__error_preserve__` included.
    if (name == kErrorLabel || name == kErrorDetailsLabel || name == kPreserveErrorLabel) continue;
    bool kept = false;
    for (const auto& sel : sels_) {
      if (sel.matcher ? (sel.matcher->name() == name && sel.matcher->matches(value)) : sel.name == name) {
        kept = true;
        break;
      }
    }
    if (kept) continue;
    if (s.npairs == s.pairs.size()) s.pairs.emplace_back();
    s.pairs[s.npairs++].first.assign(name);
  }
  for (size_t i = 0; i < s.npairs; ++i) lbs.del(s.pairs[i].first);
  return true;
}

DecolorizeStage::DecolorizeStage() {
  RE2::Options opts;
  opts.set_log_errors(false);
  re_ = std::make_shared<RE2>(
      "[\\x{1B}\\x{9B}][\\[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\\x{07})|"
      "(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))",
      opts);
}

bool DecolorizeStage::process(int64_t, std::string_view& line, LabelsBuilder&, StageScratch& s) const {
  if (line.find('\x1b') == std::string_view::npos && line.find("\xc2\x9b") == std::string_view::npos) return true;
  s.line.assign(line);
  RE2::GlobalReplace(&s.line, *re_, "");
  line = s.line;
  return true;
}

}  // namespace logql::log
