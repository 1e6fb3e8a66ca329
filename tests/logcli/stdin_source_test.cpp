#include <doctest/doctest.h>

#include "logcli/stdin_source.h"
#include "model/time.h"

using namespace logcli;

namespace {

std::vector<std::pair<std::string, std::string>> drain(logql::LogSource& src, const logql::SelectParams& p) {
  auto it = src.select(p);
  REQUIRE(it.ok());
  std::vector<std::pair<std::string, std::string>> out;
  while ((*it)->next()) out.emplace_back((*it)->labels().to_string(), (*it)->entry().line);
  return out;
}

}  // namespace

TEST_CASE("raw stdin is one unlabelled stream in input order, selectors not applied") {
  auto src = StdinSource::from_buffer("one\ntwo\r\n\nthree", StdinFormat::Raw, 1000);
  REQUIRE(src.ok());
  CHECK((*src)->size() == 4);
  logql::SelectParams p;
  p.matchers = {{"app", logql::ast::MatchOp::Eq, "nope"}};
  p.start = (*src)->min_time();
  p.end = (*src)->max_time() + 1;
  auto all = drain(**src, p);
  REQUIRE(all.size() == 4);
  CHECK(all[0] == std::pair<std::string, std::string>{"{}", "one"});
  CHECK(all[1].second == "two");
  CHECK(all[2].second == "");
  CHECK(all[3].second == "three");
  p.direction = logql::Direction::Backward;
  CHECK(drain(**src, p).front().second == "three");
  // Strictly increasing stamps: the range end is exclusive.
  p.end = (*src)->max_time();
  CHECK(drain(**src, p).size() == 3);
}

TEST_CASE("jsonl stdin: labels select streams, timestamps order entries") {
  std::string in =
      R"({"labels":{"app":"a"},"line":"second","timestamp":"2024-01-02T03:04:06Z"})" "\n"
      R"({"labels":{"app":"b"},"line":"b-line","ts":1704164645000000000})" "\n"
      R"({"labels":{"app":"a"},"line":"first","timestamp":"2024-01-02T03:04:05Z"})" "\n";
  auto src = StdinSource::from_buffer(in, StdinFormat::Jsonl, 0);
  REQUIRE(src.ok());
  logql::SelectParams p;
  p.start = (*src)->min_time();
  p.end = (*src)->max_time() + 1;
  p.matchers = {{"app", logql::ast::MatchOp::Eq, "a"}};
  auto got = drain(**src, p);
  REQUIRE(got.size() == 2);
  CHECK(got[0].second == "first");
  CHECK(got[1].second == "second");
  p.matchers = {{"app", logql::ast::MatchOp::Re, "a|b"}};
  CHECK(drain(**src, p).size() == 3);
  p.matchers = {{"app", logql::ast::MatchOp::Re, "b.*|"}};  // anchored: "a" does not match
  CHECK(drain(**src, p).size() == 1);
}

TEST_CASE("jsonl stdin errors name the line") {
  auto bad = StdinSource::from_buffer("{\"line\":\"x\",\"ts\":1}\nnot json\n", StdinFormat::Jsonl, 0);
  REQUIRE(!bad.ok());
  CHECK(bad.error() == "stdin line 2: not a JSON object");
  auto no_ts = StdinSource::from_buffer("{\"line\":\"x\"}\n", StdinFormat::Jsonl, 0);
  REQUIRE(!no_ts.ok());
  CHECK(no_ts.error().find("timestamp") != std::string::npos);
  auto bad_label = StdinSource::from_buffer("{\"labels\":{\"a\":1},\"line\":\"x\",\"ts\":1}\n", StdinFormat::Jsonl, 0);
  CHECK(!bad_label.ok());
}

TEST_CASE("raw stdin: a leading |= literal is found with one scan, never across lines") {
  auto src = StdinSource::from_buffer("ab\ncd abab\nxa\nbab\nab", StdinFormat::Raw, 1000);
  REQUIRE(src.ok());
  std::vector<logql::ast::Stage> stages;
  stages.emplace_back(logql::ast::LineFilter{logql::ast::LineFilterOp::Contains, {"ab"}, false});
  logql::SelectParams p;
  p.start = (*src)->min_time();
  p.end = (*src)->max_time() + 1;
  p.stages = &stages;
  std::vector<std::string> lines;
  for (auto& [l, line] : drain(**src, p)) lines.push_back(line);
  // "xa\nb" must not match: the needle spans a line break.
  CHECK(lines == std::vector<std::string>{"ab", "cd abab", "bab", "ab"});
  p.start = (*src)->min_time() + 1;  // range still applies
  p.end = (*src)->max_time();
  lines.clear();
  for (auto& [l, line] : drain(**src, p)) lines.push_back(line);
  CHECK(lines == std::vector<std::string>{"cd abab", "bab"});
}
