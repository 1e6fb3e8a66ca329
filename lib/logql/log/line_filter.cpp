#include "logql/log/line_filter.h"

#include <re2/re2.h>

#include <array>
#include <cstring>
#include <string>

#include "logql/log/ip_matcher.h"
#include "logql/log/pattern.h"

namespace logql::log {

namespace {

class AlwaysMatcher final : public LineMatcher {
 public:
  bool matches(std::string_view) const override { return true; }
};

class ContainsMatcher final : public LineMatcher {
 public:
  explicit ContainsMatcher(std::string needle) : needle_(std::move(needle)) {}
  bool matches(std::string_view line) const override {
    return memmem(line.data(), line.size(), needle_.data(), needle_.size()) != nullptr;
  }

 private:
  std::string needle_;
};

// ASCII case-insensitive substring search; only used for ASCII needles.
class ContainsFoldMatcher final : public LineMatcher {
 public:
  explicit ContainsFoldMatcher(std::string_view needle) {
    for (char c : needle) lower_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    first_lower_ = lower_[0];
    first_upper_ = static_cast<char>(std::toupper(static_cast<unsigned char>(lower_[0])));
  }
  bool matches(std::string_view line) const override {
    const size_t n = lower_.size();
    if (line.size() < n) return false;
    const char* p = line.data();
    const char* end = line.data() + line.size() - n + 1;
    while (p < end) {
      // Jump to the next possible first byte in either case.
      const char* a = static_cast<const char*>(std::memchr(p, first_lower_, end - p));
      const char* b = first_upper_ == first_lower_ ? nullptr : static_cast<const char*>(std::memchr(p, first_upper_, (a ? a : end) - p));
      const char* c = b ? b : a;
      if (!c) return false;
      size_t k = 1;
      while (k < n && std::tolower(static_cast<unsigned char>(c[k])) == static_cast<unsigned char>(lower_[k])) ++k;
      if (k == n) return true;
      p = c + 1;
    }
    return false;
  }

 private:
  std::string lower_;
  char first_lower_, first_upper_;
};

class RegexMatcher final : public LineMatcher {
 public:
  explicit RegexMatcher(std::unique_ptr<RE2> re) : re_(std::move(re)) {}
  bool matches(std::string_view line) const override {
    return re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED, nullptr, 0);
  }

 private:
  std::unique_ptr<RE2> re_;
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
  return std::make_unique<ContainsMatcher>(std::string(lit));
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
  if ((!fold || is_ascii(body)) && !has_regex_meta(body, true)) {
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
  return std::unique_ptr<LineMatcher>(std::make_unique<RegexMatcher>(std::move(re)));
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
