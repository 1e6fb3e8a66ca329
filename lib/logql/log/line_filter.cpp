#include "logql/log/line_filter.h"

#include <re2/re2.h>

#include <array>
#include <cstring>
#include <string>

#include "logql/log/ip_matcher.h"
#include "logql/log/pattern.h"
#include "logql/log/regex_prefilter.h"
#include "util/substring_finder.h"

namespace logql::log {

namespace {

class AlwaysMatcher final : public LineMatcher {
 public:
  bool matches(std::string_view) const override { return true; }
};

class ContainsMatcher final : public LineMatcher {
 public:
  explicit ContainsMatcher(std::string_view needle) : finder_(needle) {}
  bool matches(std::string_view line) const override { return finder_.contains(line); }

 private:
  util::SubstringFinder finder_;
};

// ASCII case-insensitive substring search; only used for ASCII needles.
class ContainsFoldMatcher final : public LineMatcher {
 public:
  explicit ContainsFoldMatcher(std::string_view needle) : finder_(needle, /*ascii_case_insensitive=*/true) {}
  bool matches(std::string_view line) const override { return finder_.contains(line); }

 private:
  util::SubstringFinder finder_;
};

class RegexMatcher final : public LineMatcher {
 public:
  RegexMatcher(std::unique_ptr<RE2> re, std::string_view regex) : re_(std::move(re)) {
    for (const auto& lit : regex_prefilter_literals(regex)) prefilter_.emplace_back(lit, /*ascii_case_insensitive=*/true);
  }
  bool matches(std::string_view line) const override {
    if (!prefilter_.empty() && !may_match(line)) return false;
    return re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED, nullptr, 0);
  }

 private:
  // A match holds one of the prefilter's literals; most lines hold none and skip RE2.
  bool may_match(std::string_view line) const {
    for (const auto& f : prefilter_)
      if (f.contains(line)) return true;
    return false;
  }

  std::unique_ptr<RE2> re_;
  std::vector<util::SubstringFinder> prefilter_;
};

class IpLineMatcher final : public LineMatcher {
 public:
  explicit IpLineMatcher(IpMatcher m) : m_(std::move(m)) {}
  bool matches(std::string_view line) const override { return m_.matches_line(line); }

 private:
  IpMatcher m_;
};

class PatternLineMatcher final : public LineMatcher {
 public:
  explicit PatternLineMatcher(PatternMatcher m) : m_(std::move(m)) {}
  bool matches(std::string_view line) const override { return m_.test(line); }

 private:
  PatternMatcher m_;
};

class AnyMatcher final : public LineMatcher {
 public:
  explicit AnyMatcher(std::vector<std::unique_ptr<LineMatcher>> ms) : ms_(std::move(ms)) {}
  bool matches(std::string_view line) const override {
    for (const auto& m : ms_)
      if (m->matches(line)) return true;
    return false;
  }

 private:
  std::vector<std::unique_ptr<LineMatcher>> ms_;
};

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

bool has_regex_meta(std::string_view s, bool allow_bar) {
  for (char c : s) {
    if (std::strchr("\\.+*?()[]{}^$", c) != nullptr) return true;
    if (c == '|' && !allow_bar) return true;
  }
  return false;
}

std::unique_ptr<LineMatcher> literal_matcher(std::string_view lit, bool fold) {
  if (lit.empty()) return std::make_unique<AlwaysMatcher>();
  if (fold) return std::make_unique<ContainsFoldMatcher>(lit);
  return std::make_unique<ContainsMatcher>(lit);
}

}  // namespace

util::Result<std::unique_ptr<LineMatcher>> compile_regex_line_matcher(std::string_view regex) {
  // Literal fast paths, as Loki simplifies regexes: `foo`, `(?i)foo`, `foo|bar`.
  std::string_view body = regex;
  bool fold = false;
  if (body.substr(0, 4) == "(?i)") {
    fold = true;
    body.remove_prefix(4);
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<RE2>(re2::StringPiece(regex.data(), regex.size()), opts);
  if (!re->ok()) return util::Error{"invalid regex " + std::string(regex) + ": " + re->error()};
  // Folding ASCII only is exact unless the needle has a 'k' or an 's', which (?i) also matches
  // as U+212A and U+017F: those go to RE2.
  if ((!fold || (is_ascii(body) && body.find_first_of("kKsS") == std::string_view::npos)) &&
      !has_regex_meta(body, true)) {
    std::vector<std::unique_ptr<LineMatcher>> alts;
    size_t start = 0;
    for (;;) {
      size_t bar = body.find('|', start);
      std::string_view alt = body.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
      if (alt.empty()) return std::unique_ptr<LineMatcher>(std::make_unique<AlwaysMatcher>());
      alts.push_back(literal_matcher(alt, fold));
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
    if (alts.size() == 1) return std::move(alts[0]);
    return std::unique_ptr<LineMatcher>(std::make_unique<AnyMatcher>(std::move(alts)));
  }
  return std::unique_ptr<LineMatcher>(std::make_unique<RegexMatcher>(std::move(re), regex));
}

util::Result<std::unique_ptr<LineFilterStage>> LineFilterStage::compile(const ast::LineFilter& f) {
  auto stage = std::make_unique<LineFilterStage>();
  stage->negate_ = f.op == ast::LineFilterOp::NotContains || f.op == ast::LineFilterOp::NotRegex ||
                   f.op == ast::LineFilterOp::NotPattern;
  std::vector<std::unique_ptr<LineMatcher>> alts;
  for (const auto& v : f.values) {
    if (f.ip) {
      if (f.op != ast::LineFilterOp::Contains && f.op != ast::LineFilterOp::NotContains)
        return util::Error{"ip: invalid operation"};
      auto m = IpMatcher::compile(v);
      if (!m.ok()) return m.status_error();
      alts.push_back(std::make_unique<IpLineMatcher>(std::move(*m)));
      continue;
    }
    switch (f.op) {
      case ast::LineFilterOp::Contains:
      case ast::LineFilterOp::NotContains:
        alts.push_back(literal_matcher(v, false));
        break;
      case ast::LineFilterOp::Regex:
      case ast::LineFilterOp::NotRegex: {
        auto m = compile_regex_line_matcher(v);
        if (!m.ok()) return m.status_error();
        alts.push_back(std::move(*m));
        break;
      }
      case ast::LineFilterOp::Pattern:
      case ast::LineFilterOp::NotPattern: {
        auto m = PatternMatcher::compile_filter(v);
        if (!m.ok()) return m.status_error();
        alts.push_back(std::make_unique<PatternLineMatcher>(std::move(*m)));
        break;
      }
    }
  }
  if (alts.empty()) alts.push_back(std::make_unique<AlwaysMatcher>());
  if (alts.size() == 1) {
    stage->any_ = std::move(alts[0]);
  } else {
    stage->any_ = std::make_unique<AnyMatcher>(std::move(alts));
  }
  return stage;
}

}  // namespace logql::log
