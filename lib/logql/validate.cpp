#include "logql/validate.h"

#include <re2/re2.h>

#include <set>

#include "model/labels.h"

namespace logql {

namespace {

std::string anchored(std::string_view re) { return "^(?:" + std::string(re) + ")$"; }

// RE2 in Go-compatible mode (Perl classes, \b, non-greedy...), silent so errors come back to us.
RE2::Options go_options() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

const char* kErrAtLeastOneMatcher =
    "queries require at least one regexp or equality matcher that does not have an empty-compatible value. "
    "For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will";

struct PatternPart {
  bool capture = false;
  std::string text;  // literal text or capture name
};

// Splits a Loki pattern into literals and `<name>` captures; a `<` that does not start a
// well-formed capture is literal text, as in Loki's pattern lexer.
std::vector<PatternPart> split_pattern(std::string_view p) {
  std::vector<PatternPart> parts;
  size_t i = 0;
  auto add_literal = [&](std::string_view s) {
    if (!parts.empty() && !parts.back().capture) {
      parts.back().text += s;
    } else {
      parts.push_back({false, std::string(s)});
    }
  };
  while (i < p.size()) {
    if (p[i] == '<') {
      size_t j = i + 1;
      if (j < p.size() && (std::isalpha(static_cast<unsigned char>(p[j])) || p[j] == '_')) {
        ++j;
        while (j < p.size() && (std::isalnum(static_cast<unsigned char>(p[j])) || p[j] == '_')) ++j;
        if (j < p.size() && p[j] == '>') {
          parts.push_back({true, std::string(p.substr(i + 1, j - i - 1))});
          i = j + 1;
          continue;
        }
      }
    }
    add_literal(p.substr(i, 1));
    ++i;
  }
  return parts;
}

std::optional<std::string> check_pattern_parser_rules(std::string_view pattern) {
  auto parts = split_pattern(pattern);
  if (parts.empty()) return std::string("invalid expression");
  std::set<std::string> names;
  bool prev_capture = false;
  for (const auto& part : parts) {
    if (part.capture) {
      if (prev_capture) return "found consecutive capture '<" + part.text + ">': invalid expression";
      if (part.text != "_") {
        if (!names.insert(part.text).second) return "duplicate capture name (" + part.text + "): invalid expression";
      }
    }
    prev_capture = part.capture;
  }
  if (names.empty()) return std::string("at least one capture is required");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_matcher(const ast::Matcher& m) {
  if (m.op == ast::MatchOp::Re || m.op == ast::MatchOp::Nre) {
    RE2 re(anchored(m.value), go_options());
    if (!re.ok()) return "error parsing regexp: " + re.error();
  }
  return std::nullopt;
}

bool matches_empty(const ast::Matcher& m) {
  switch (m.op) {
    case ast::MatchOp::Eq: return m.value.empty();
    case ast::MatchOp::Neq: return !m.value.empty();
    case ast::MatchOp::Re:
    case ast::MatchOp::Nre: {
      RE2 re(anchored(m.value), go_options());
      bool full = re.ok() && RE2::FullMatch("", re);
      return m.op == ast::MatchOp::Re ? full : !full;
    }
  }
  return true;
}

std::optional<std::string> check_selector_matchers(const std::vector<ast::Matcher>& matchers) {
  for (const auto& m : matchers) {
    if (!matches_empty(m)) return std::nullopt;
  }
  return std::string(kErrAtLeastOneMatcher);
}

std::optional<std::string> check_regex(std::string_view regex) {
  RE2 re(std::string(regex), go_options());
  if (!re.ok()) return "error parsing regexp: " + re.error();
  return std::nullopt;
}

std::optional<std::string> check_regexp_parser(std::string_view regex) {
  RE2 re(std::string(regex), go_options());
  if (!re.ok()) return "invalid regexp parser: error parsing regexp: " + re.error();
  if (re.NumberOfCapturingGroups() == 0) return std::string("invalid regexp parser: at least one named capture must be supplied");
  // Unnamed groups are allowed and ignored, as in Loki; only named ones become labels.
  const auto& names = re.CapturingGroupNames();  // index -> name, only named groups
  if (names.empty()) return std::string("invalid regexp parser: at least one named capture must be supplied");
  for (const auto& [i, name] : names) {
    if (!model::is_valid_label_name(name)) return "invalid regexp parser: invalid extracted label name '" + name + "'";
  }
  std::set<std::string> seen;
  for (const auto& [i, name] : names) {
    if (!seen.insert(name).second) return "invalid regexp parser: duplicate extracted label name '" + name + "'";
  }
  return std::nullopt;
}

std::optional<std::string> check_pattern_parser(std::string_view pattern) {
  if (auto err = check_pattern_parser_rules(pattern)) return "invalid pattern parser: " + *err;
  return std::nullopt;
}

// Loki's pattern.ParseLineFilter: an empty pattern matches every line; captures may not follow
// each other, and only the unnamed `<_>` may be used (a filter extracts nothing).
std::optional<std::string> check_pattern_filter(std::string_view pattern) {
  if (pattern.empty()) return std::nullopt;
  auto parts = split_pattern(pattern);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].capture && parts[i + 1].capture)
      return "found consecutive capture '<" + parts[i].text + "><" + parts[i + 1].text + ">': invalid expression";
  }
  for (const auto& part : parts) {
    if (part.capture && part.text != "_") return "named captures are not allowed: found '<" + part.text + ">'";
  }
  return std::nullopt;
}

std::optional<std::string> check_label_replace_regex(std::string_view regex) {
  RE2 re(anchored(regex), go_options());
  if (!re.ok()) return "invalid regex in label_replace: error parsing regexp: " + re.error();
  return std::nullopt;
}

}  // namespace logql
