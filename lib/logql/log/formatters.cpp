#include "logql/log/formatters.h"

#include <functional>
#include <set>

namespace logql::log {

namespace {

// What templates see: the builder's labels (with `__error__`), or a snapshot of them.
class EntryContext final : public gotemplate::Context {
 public:
  EntryContext(const LabelsBuilder& lbs, std::string_view line, int64_t ts,
               const std::vector<std::pair<std::string, std::string>>* snapshot = nullptr, size_t n = 0)
      : lbs_(lbs), line_(line), ts_(ts), snapshot_(snapshot), n_(n) {}
  std::optional<std::string_view> label(std::string_view name) const override {
    if (!snapshot_) return lbs_.get_with_errors(name);
    for (size_t i = 0; i < n_; ++i)
      if ((*snapshot_)[i].first == name) return std::string_view((*snapshot_)[i].second);
    return std::nullopt;
  }
  // Every label the template can see (for `{{ . }}`-style iteration), in no particular order.
  void for_each_label(const std::function<void(std::string_view, std::string_view)>& fn) const override {
    if (snapshot_) {
      for (size_t i = 0; i < n_; ++i) fn((*snapshot_)[i].first, (*snapshot_)[i].second);
      return;
    }
    thread_local std::vector<std::pair<std::string_view, std::string_view>> cur;
    lbs_.collect(cur);
    for (const auto& [n, v] : cur) fn(n, v);
  }
  std::string_view line() const override { return line_; }
  int64_t timestamp_ns() const override { return ts_; }

 private:
  const LabelsBuilder& lbs_;
  std::string_view line_;
  int64_t ts_;
  const std::vector<std::pair<std::string, std::string>>* snapshot_;
  size_t n_;
};

}  // namespace

util::Result<std::unique_ptr<LineFormatStage>> LineFormatStage::compile(const ast::LineFormat& f,
                                                                       const gotemplate::ExecLimits& limits) {
  auto t = gotemplate::Template::parse(f.tmpl);
  if (!t.ok()) return util::prefixed("invalid line template: ", t.status_error());
  return std::unique_ptr<LineFormatStage>(new LineFormatStage(std::move(*t), limits));
}

bool LineFormatStage::process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  s.line.clear();
  auto st = tmpl_.execute_into(EntryContext(lbs, line, ts), s.line, limits_);
  if (!st.ok()) {
    lbs.set_error(kErrTemplateFormat);
    lbs.set_error_details(st.error());
    return true;
  }
  line = s.line;
  return true;
}

util::Result<std::unique_ptr<LabelFormatStage>> LabelFormatStage::compile(const ast::LabelFormat& f,
                                                                         const gotemplate::ExecLimits& limits) {
  auto stage = std::make_unique<LabelFormatStage>();
  stage->limits_ = limits;
  std::set<std::string> seen;
  for (const auto& it : f.items) {
    if (it.dst == kErrorLabel) return util::Error{it.dst + " cannot be formatted"};
    if (!seen.insert(it.dst).second)
      return util::Error{"multiple label name '" + it.dst + "' not allowed in a single format operation"};
    Item item;
    item.dst = it.dst;
    if (it.is_template) {
      auto t = gotemplate::Template::parse(it.value);
      if (!t.ok()) return util::prefixed("invalid template for label '" + it.dst + "': ", t.status_error());
      item.tmpl.emplace(std::move(*t));
    } else {
      item.src = it.value;
    }
    stage->items_.push_back(std::move(item));
  }
  return stage;
}

bool LabelFormatStage::process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  bool snapshotted = false;
  for (const auto& it : items_) {
    if (!it.tmpl) {
      LabelCategory cat;
      auto v = lbs.get(it.src, cat);
      if (!v) continue;
      s.a.assign(*v);  // the view dies when the builder changes
      lbs.set(cat, it.dst, s.a);
      lbs.del(it.src);
      continue;
    }
    if (!snapshotted) {
      thread_local std::vector<std::pair<std::string_view, std::string_view>> cur;
      lbs.collect(cur);
      s.npairs = 0;
      for (const auto& [n, v] : cur) {
        if (s.npairs == s.pairs.size()) s.pairs.emplace_back();
        s.pairs[s.npairs].first.assign(n);
        s.pairs[s.npairs].second.assign(v);
        ++s.npairs;
      }
      snapshotted = true;
    }
    s.b.clear();
    auto st = it.tmpl->execute_into(EntryContext(lbs, line, ts, &s.pairs, s.npairs), s.b, limits_);
    if (!st.ok()) {
      lbs.set_error(kErrTemplateFormat);
      lbs.set_error_details(st.error());
      continue;
    }
    lbs.set(LabelCategory::Parsed, it.dst, s.b);
  }
  return true;
}

}  // namespace logql::log
