#include "logql/log/regexp_parser.h"

#include "model/labels.h"

namespace logql::log {

util::Result<std::unique_ptr<RegexpParserStage>> RegexpParserStage::compile(std::string_view regex) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto stage = std::make_unique<RegexpParserStage>();
  stage->re_ = std::make_unique<RE2>(re2::StringPiece(regex.data(), regex.size()), opts);
  if (!stage->re_->ok()) return util::Error{"error parsing regexp: " + stage->re_->error()};
  int groups = stage->re_->NumberOfCapturingGroups();
  stage->names_.assign(static_cast<size_t>(groups) + 1, "");
  bool any = false;
  for (const auto& [name, idx] : stage->re_->NamedCapturingGroups()) {
    if (!model::is_valid_label_name(name)) return util::Error{"invalid extracted label name '" + name + "'"};
    stage->names_[static_cast<size_t>(idx)] = name;
    any = true;
  }
  if (!any) return util::Error{"at least one named capture must be supplied"};
  return stage;
}

bool RegexpParserStage::process(int64_t, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  if (lbs.parsers_disabled()) return true;
  thread_local std::vector<re2::StringPiece> groups;
  groups.assign(names_.size(), re2::StringPiece());
  if (!re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size())))
    return true;
  for (size_t i = 1; i < names_.size(); ++i) {
    if (names_[i].empty()) continue;
    s.a = names_[i];
    if (lbs.base_has(s.a) || lbs.metadata_has(s.a)) s.a += kDuplicateSuffix;
    if (lbs.extracted(s.a) || !lbs.should_extract(s.a)) continue;
    lbs.set(LabelCategory::Parsed, s.a, std::string_view(groups[i].data(), groups[i].size()));
  }
  return true;
}

}  // namespace logql::log
