// replace: every capture group of every match of `expression` in the line (or an extracted value)
// is replaced by the `replace` template, run with `.Value` = the captured text and the extracted
// values; named groups extract their replaced value. Follows Promtail's replace stage, including
// its handling of overlapping groups (a group inside an already replaced span is not re-applied).
#include <re2/re2.h>

#include "stages/builtin.h"
#include "stages/template_data.h"

namespace stages {

namespace {

class ReplaceStage final : public Stage {
 public:
  ReplaceStage(std::unique_ptr<RE2> re, std::optional<std::string> source, std::string replace,
               std::optional<logql::tmpl::Template> tmpl)
      : re_(std::move(re)), source_(std::move(source)), replace_(std::move(replace)), tmpl_(std::move(tmpl)) {
    groups_.resize(static_cast<size_t>(re_->NumberOfCapturingGroups()) + 1);
    names_.resize(groups_.size());
    for (const auto& [name, index] : re_->NamedCapturingGroups()) names_[static_cast<size_t>(index)] = name;
  }
  std::string_view name() const override { return "replace"; }

  bool process(Entry& e) override {
    if (source_) {
      const json* v = e.extracted.find(*source_);
      if (!v) return true;
      input_.clear();
      if (!append_value_string(input_, *v)) return true;
    } else {
      input_ = e.line;
    }
    const std::string_view in = input_;
    result_.clear();
    captured_.clear();
    first_match_.clear();
    if (tmpl_) data_.reset(e.extracted);
    size_t prev_end = 0, pos = 0;
    bool matched = false;
    while (pos <= in.size() &&
           re_->Match(re2::StringPiece(in.data(), in.size()), pos, in.size(), RE2::UNANCHORED, groups_.data(),
                      static_cast<int>(groups_.size()))) {
      if (!matched) {
        for (size_t i = 0; i < groups_.size(); ++i) {
          first_match_.emplace_back(groups_[i].data() ? std::string(groups_[i].data(), groups_[i].size()) : "");
        }
      }
      matched = true;
      for (size_t i = 1; i < groups_.size(); ++i) {
        if (!groups_[i].data()) continue;  // the group did not take part in the match
        size_t start = static_cast<size_t>(groups_[i].data() - in.data());
        size_t end = start + groups_[i].size();
        std::string replaced;
        if (!render(std::string_view(groups_[i].data(), groups_[i].size()), replaced)) return true;
        if (prev_end == 0 || prev_end < start) {
          result_.append(in.substr(prev_end, start - prev_end));
          result_ += replaced;
          prev_end = end;
        }
        captured_.emplace_back(std::string(groups_[i].data(), groups_[i].size()), std::move(replaced));
      }
      size_t match_end = static_cast<size_t>(groups_[0].data() - in.data()) + groups_[0].size();
      // An empty match advances one byte so the scan terminates, as Go's FindAll does.
      pos = groups_[0].size() == 0 ? match_end + 1 : match_end;
    }
    if (!matched) return true;
    result_.append(in.substr(prev_end));
    if (source_) {
      e.extracted.set_string(*source_, result_);
    } else {
      e.line = result_;
    }
    for (size_t i = 1; i < names_.size(); ++i) {
      if (names_[i].empty()) continue;
      // Promtail looks the group's first-match text up among everything captured; the last
      // replacement recorded for that text wins, as with its map.
      for (auto it = captured_.rbegin(); it != captured_.rend(); ++it) {
        if (it->first == first_match_[i]) {
          e.extracted.set_string(names_[i], it->second);
          break;
        }
      }
    }
    return true;
  }

 private:
  bool render(std::string_view value, std::string& out) {
    if (!tmpl_) {
      out = replace_;
      return true;
    }
    data_.set("Value", value);
    return tmpl_->execute_into(data_, out).ok();
  }

  std::unique_ptr<RE2> re_;
  std::optional<std::string> source_;
  std::string replace_;
  std::optional<logql::tmpl::Template> tmpl_;  // unset when `replace` is plain text
  std::vector<re2::StringPiece> groups_;
  std::vector<std::string> names_;
  std::string input_, result_;
  std::vector<std::string> first_match_;
  std::vector<std::pair<std::string, std::string>> captured_;
  TemplateData data_;
};

}  // namespace

StageResult compile_replace(const ReplaceSpec& spec, const std::string& where, const CompileContext&) {
  if (spec.source && spec.source->empty()) return stage_error(where, "\"source\" cannot be empty");
  auto re = compile_re2(where, spec.expression);
  if (!re.ok()) return re.status_error();
  std::optional<logql::tmpl::Template> tmpl;
  if (!is_plain_text(spec.replace)) {
    auto t = logql::tmpl::Template::parse(spec.replace, "pipeline_template", logql::tmpl::FunctionSet::kPromtail);
    if (!t.ok()) return stage_error(where, "invalid template in \"replace\": " + t.error());
    tmpl.emplace(std::move(t).value());
  }
  return std::unique_ptr<Stage>(
      std::make_unique<ReplaceStage>(std::move(*re), spec.source, spec.replace, std::move(tmpl)));
}

}  // namespace stages
