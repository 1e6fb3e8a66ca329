#include "logql/eval/functions.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace logql {
namespace {

class VectorLiteralEvaluator : public StepEvaluator {
 public:
  VectorLiteralEvaluator(double value, const StepRange& range) : value_(value), times_(range) {}

  bool next(int64_t& t, SampleVector& out) override {
    out.clear();
    if (!times_.next(t)) return false;
    out.push_back(Sample{{}, value_});
    return true;
  }

 private:
  double value_;
  StepTimes times_;
};

class LabelReplaceEvaluator : public StepEvaluator {
 public:
  LabelReplaceEvaluator(const ast::LabelReplace& expr, std::unique_ptr<re2::RE2> re, StepEvaluatorPtr inner)
      : expr_(expr), re_(std::move(re)), inner_(std::move(inner)) {
    groups_.resize(static_cast<size_t>(re_->NumberOfCapturingGroups()) + 1);
  }

  bool next(int64_t& t, SampleVector& out) override {
    out.clear();
    if (!inner_->next(t, out)) return false;
    for (auto& s : out) {
      // Series repeat at every step; rewrite each distinct label set once.
      auto cached = cache_.find(s.labels);
      if (cached != cache_.end()) {
        s.labels = cached->second;
        continue;
      }
      model::LabelSet rewritten = s.labels;
      std::string_view src = s.labels.get(expr_.src).value_or(std::string_view{});
      if (re_->Match(re2::StringPiece(src.data(), src.size()), 0, src.size(), re2::RE2::ANCHOR_BOTH, groups_.data(),
                     static_cast<int>(groups_.size()))) {
        std::vector<std::string_view> groups;
        groups.reserve(groups_.size());
        for (const auto& g : groups_) groups.emplace_back(g.data(), g.size());
        std::string value = expand_template(expr_.replacement, *re_, groups);
        rewritten.erase(expr_.dst);
        if (!value.empty()) rewritten.set(expr_.dst, value);
      }
      cache_.emplace(s.labels, rewritten);
      s.labels = std::move(rewritten);
    }
    return true;
  }
  util::Status status() const override { return inner_->status(); }

 private:
  const ast::LabelReplace& expr_;
  std::unique_ptr<re2::RE2> re_;
  StepEvaluatorPtr inner_;
  std::vector<re2::StringPiece> groups_;
  std::map<model::LabelSet, model::LabelSet> cache_;
};

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::string expand_template(std::string_view tmpl, const re2::RE2& re, const std::vector<std::string_view>& groups) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    char c = tmpl[i];
    if (c != '$' || i + 1 >= tmpl.size()) {
      out += c;
      ++i;
      continue;
    }
    if (tmpl[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    std::string_view name;
    size_t after = 0;
    if (tmpl[i + 1] == '{') {
      size_t close = tmpl.find('}', i + 2);
      size_t j = i + 2;
      while (j < tmpl.size() && is_name_char(tmpl[j])) ++j;
      if (close == std::string_view::npos || close != j || j == i + 2) {
        out += c;  // malformed: Go copies the '$' literally
        ++i;
        continue;
      }
      name = tmpl.substr(i + 2, j - (i + 2));
      after = close + 1;
    } else {
      size_t j = i + 1;
      while (j < tmpl.size() && is_name_char(tmpl[j])) ++j;
      if (j == i + 1) {
        out += c;
        ++i;
        continue;
      }
      name = tmpl.substr(i + 1, j - (i + 1));
      after = j;
    }
    i = after;
    bool numeric = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
    if (numeric) {
      // Go parses the number; too large a group number expands to nothing.
      if (name.size() <= 9) {
        size_t n = std::stoul(std::string(name));
        if (n < groups.size()) out.append(groups[n].data() ? groups[n] : std::string_view{});
      }
      continue;
    }
    auto named = re.NamedCapturingGroups();
    auto it = named.find(std::string(name));
    if (it != named.end() && static_cast<size_t>(it->second) < groups.size()) out.append(groups[it->second]);
  }
  return out;
}

util::Result<StepEvaluatorPtr> new_vector_literal_evaluator(double value, const StepRange& range) {
  return StepEvaluatorPtr(std::make_unique<VectorLiteralEvaluator>(value, range));
}

util::Result<StepEvaluatorPtr> new_label_replace_evaluator(const ast::LabelReplace& expr, const StepRange& range,
                                                           LogSource& source) {
  auto re = std::make_unique<re2::RE2>("^(?:" + expr.regex + ")$", re2::RE2::Quiet);
  if (!re->ok()) return util::Error{"invalid regex in label_replace: " + re->error()};
  if (!expr.inner) return util::Error{"label_replace without an argument"};
  auto inner = new_step_evaluator(*expr.inner, range, source);
  if (!inner.ok()) return inner.status_error();
  return StepEvaluatorPtr(std::make_unique<LabelReplaceEvaluator>(expr, std::move(re), std::move(inner).value()));
}

}  // namespace logql
