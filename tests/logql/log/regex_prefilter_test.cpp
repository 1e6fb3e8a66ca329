#include "logql/log/regex_prefilter.h"

#include <doctest/doctest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "logql/log/line_filter.h"
#include "util/substring_finder.h"

using logql::log::regex_prefilter_literals;
using Lits = std::vector<std::string>;

namespace {

// The prefilter's promise: a line the regex matches holds one of the literals (ASCII
// case-insensitively). Checked against RE2 itself.
void check_sound(const std::string& regex, const std::vector<std::string>& lines) {
  auto lits = regex_prefilter_literals(regex);
  RE2 re(regex);
  REQUIRE(re.ok());
  for (const auto& line : lines) {
    if (!RE2::PartialMatch(line, re) || lits.empty()) continue;
    bool held = false;
    for (const auto& l : lits) held = held || util::SubstringFinder(l, true).contains(line);
    CAPTURE(regex);
    CAPTURE(line);
    CHECK(held);
  }
}

}  // namespace

TEST_CASE("regex prefilter: one required literal, the longest") {
  CHECK(regex_prefilter_literals("status=5[0-9]{2}") == Lits{"status=5"});
  CHECK(regex_prefilter_literals("GET /api/v[0-9]+/users") == Lits{"get /api/v"});
  CHECK(regex_prefilter_literals("(foo)?barbaz") == Lits{"barbaz"});
  CHECK(regex_prefilter_literals("Status=5") == Lits{"status=5"});  // lowercased: searched folded
}

TEST_CASE("regex prefilter: alternations give any-of sets, never a single branch") {
  auto lits = regex_prefilter_literals("level=(error|warn)");
  std::sort(lits.begin(), lits.end());
  CHECK(lits == Lits{"level=error", "level=warn"});
  lits = regex_prefilter_literals("foo|bar");
  std::sort(lits.begin(), lits.end());
  CHECK(lits == Lits{"bar", "foo"});
  // One side without a usable literal: nothing can be required.
  CHECK(regex_prefilter_literals("foo|[0-9]+").empty());
  CHECK(regex_prefilter_literals("foo|").empty());
}

TEST_CASE("regex prefilter: nothing for regexes that need no literal, or could fool an ASCII search") {
  CHECK(regex_prefilter_literals(".*").empty());
  CHECK(regex_prefilter_literals("[0-9]+").empty());
  CHECK(regex_prefilter_literals("a.*b").empty());  // atoms shorter than 3 bytes are dropped
  CHECK(regex_prefilter_literals("(unclosed").empty());
  CHECK(regex_prefilter_literals("caf\xc3\xa9 bar").empty());  // non-ASCII text
  CHECK(regex_prefilter_literals("\\x{212A}elvin").empty());   // the Kelvin sign lowercases to 'k'
  CHECK(regex_prefilter_literals("\\p{Lu}abc").empty());
}

TEST_CASE("regex prefilter: case-insensitive patterns keep no 'k' or 's' in their literals") {
  // (?i)s also matches U+017F (long s) and (?i)k U+212A (Kelvin sign).
  CHECK(regex_prefilter_literals("(?i)status") == Lits{"tatu"});
  CHECK(regex_prefilter_literals("(?i)error") == Lits{"error"});
  CHECK(regex_prefilter_literals("(?i)ask").empty());
  CHECK(regex_prefilter_literals("x(?i:kelvin)") == Lits{"elvin"});
  // A case-sensitive pattern keeps them.
  CHECK(regex_prefilter_literals("kelvin") == Lits{"kelvin"});
}

TEST_CASE("regex prefilter: every line RE2 matches holds a literal") {
  std::vector<std::string> lines = {
      "status=503 path=/x", "STATUS=500", "Status=5xx", "level=ERROR msg=x", "level=warn", "\xc5\xbftatus",
      "\xe2\x84\xaa" "elvin", "kelvin", "ask", "a\xc5\xbfk", "GET /api/v2/users", "get /API/v10/users", "nothing",
  };
  for (const char* re : {"status=5[0-9]{2}", "(?i)status", "(?i)STATUS=5", "level=(error|warn)", "(?i)level=(error|warn)",
                         "(?i)kelvin", "(?i)ask", "GET /api/v[0-9]+/users", "(?i)get /api/v[0-9]+/users", "Status=5"})
    check_sound(re, lines);
}

TEST_CASE("line filter |~ with a prefilter matches exactly what RE2 matches") {
  for (std::string regex : {"status=5[0-9]{2}", "(?i)status=5[0-9]{2}", "level=(error|warn)", "(?i)kelvin", "(?i)error"}) {
    auto m = logql::log::compile_regex_line_matcher(regex);
    REQUIRE(m.ok());
    RE2 re(regex);
    for (std::string line : {"status=503", "x STATUS=599 y", "status=5", "level=warn", "LEVEL=ERROR",
                             "\xe2\x84\xaa" "ELVIN", "kelvi", "status=404", "ERROR"}) {
      CAPTURE(regex);
      CAPTURE(line);
      CHECK((*m)->matches(line) == RE2::PartialMatch(line, re));
    }
  }
}
