#include <doctest/doctest.h>

#include "logcli/stdin_source.h"

#include <unistd.h>

#include <cstdlib>

#include "logcli/raw_line_stamps.h"
#include "util/clock.h"
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

TEST_CASE("raw stdin stamps: read time plus offset, strictly increasing across reads") {
  // Three reads: "a\nb" at 100, "c\n" at 101 (completes "bc"), "d" at 500.
  auto stamps = RawLineStamps::from_arrivals("a\nbc\nd", {{3, 100}, {6, 101}, {7, 500}});
  CHECK(stamps.time_of(0) == 100);  // "a"
  CHECK(stamps.time_of(2) == 102);  // "bc": its read ended at 101, but "a" and its newline came first
  CHECK(stamps.time_of(5) == 500);  // "d"
  CHECK(stamps.first_offset_at_or_after(0) == 0);
  CHECK(stamps.first_offset_at_or_after(101) == 1);  // no line starts at 1: the walk goes to "bc"
  CHECK(stamps.first_offset_at_or_after(103) == 3);
  CHECK(stamps.first_offset_at_or_after(200) == 5);
  CHECK(stamps.first_offset_at_or_after(501) == 6);
}

TEST_CASE("raw stdin from a regular file: read by each select, ranges and both directions") {
  char path[] = "/tmp/logcli-stdin-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  // Lines longer than the read buffer, "\r\n" endings and a needle near buffer ends.
  std::string big(300 << 10, 'x');
  std::string text = "skip me\nfirst needle\r\n" + big + "\n" + big + "needle\nneedle" + big + "\nlast needle";
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  REQUIRE(::lseek(fd, 8, SEEK_SET) == 8);  // stdin already read up to "first"
  util::FakeClock clock(1000);
  auto src = StdinSource::read(fd, StdinFormat::Raw, clock);
  ::close(fd);
  ::unlink(path);
  REQUIRE(src.ok());
  CHECK((*src)->min_time() == 1000);
  CHECK((*src)->max_time() == 1000 + static_cast<int64_t>(text.size() - 8 - 11));
  logql::SelectParams p;
  p.start = (*src)->min_time();
  p.end = (*src)->max_time() + 1;
  auto all = drain(**src, p);
  REQUIRE(all.size() == 5);
  CHECK(all[0].second == "first needle");
  CHECK(all[1].second == big);
  CHECK(all[2].second == big + "needle");
  CHECK(all[3].second == "needle" + big);
  CHECK(all[4].second == "last needle");
  std::vector<logql::ast::Stage> stages;
  stages.emplace_back(logql::ast::LineFilter{logql::ast::LineFilterOp::Contains, {"needle"}, false});
  p.stages = &stages;
  auto found = drain(**src, p);
  REQUIRE(found.size() == 4);
  CHECK(found[1].second == big + "needle");
  CHECK(found[2].second == "needle" + big);
  p.direction = logql::Direction::Backward;
  found = drain(**src, p);
  REQUIRE(found.size() == 4);
  CHECK(found[0].second == "last needle");
  CHECK(found[1].second == "needle" + big);
  CHECK(found[3].second == "first needle");
  p.start = (*src)->min_time() + 1;  // from the second line on
  p.end = (*src)->max_time();        // the last line excluded
  found = drain(**src, p);
  REQUIRE(found.size() == 2);
  CHECK(found[0].second == "needle" + big);  // backward
  CHECK(found[1].second == big + "needle");
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
