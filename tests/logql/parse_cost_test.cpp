// The LogQL lexer and parser do work linear in the query's size. A quadratic path turns a query
// of a few hundred kilobytes into minutes of CPU on the server (a chain of unary minus signs
// took 12 s for 100 KB), so each shape here is parsed at 512 KiB, far beyond the query size logd
// accepts; a linear parse takes a fraction of a second, a quadratic one minutes. The watchdog only
// turns such a hang into a failure instead of a stalled test run.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "logql/parser.h"

namespace {

std::string repeat_to(size_t n, const std::string& head, const std::string& unit, const std::string& tail) {
  std::string s = head;
  while (s.size() < n) s += unit;
  return s + tail;
}

// Parses on a worker; false when the parse is still running after `limit` (it is then left to
// finish in the background: a quadratic parse cannot be interrupted).
bool parses_within(const std::string& query, std::chrono::seconds limit) {
  auto q = std::make_shared<std::string>(query);
  auto task = std::make_shared<std::packaged_task<void()>>([q] { (void)logql::parse(*q); });
  auto done = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  return done.wait_for(limit) == std::future_status::ready;
}

}  // namespace

TEST_CASE("parser: work is linear in the query's size, whatever its shape") {
  constexpr size_t kSize = 512 << 10;
  const std::pair<const char*, std::string> shapes[] = {
      {"unary minus chain", repeat_to(kSize, "", "-", "1")},
      {"minus pairs before a flag-like word", repeat_to(kSize, "", "--stric", "t")},
      {"binary chain", repeat_to(kSize, "1", "+1", "")},
      {"binary chain over lines", repeat_to(kSize, "1", "\n+1", "")},
      {"line filters", repeat_to(kSize, "{a=\"b\"}", " |= \"x\"", "")},
      {"matchers", repeat_to(kSize, "{a=\"b\"", ",a=\"b\"", "}")},
      {"label filter chain", repeat_to(kSize, "{a=\"b\"} | x=\"1\"", " or x=\"1\"", "")},
      {"keep list", repeat_to(kSize, "{a=\"b\"} | keep a", ",a", "")},
      {"json parameters", repeat_to(kSize, "{a=\"b\"} | json a=\"b\"", ",a=\"b\"", "")},
      {"label_format", repeat_to(kSize, "{a=\"b\"} | label_format a=\"x\"", ",a=\"x\"", "")},
      {"line_format template", "{a=\"b\"} | line_format \"" + repeat_to(kSize, "", "{{.a}}", "") + "\""},
      {"open parentheses", repeat_to(kSize, "", "(", "")},
      {"open brackets", repeat_to(kSize, "", "[", "]")},
      {"unterminated string", "{a=\"" + repeat_to(kSize, "", "\\\\", "")},
  };
  for (const auto& [name, query] : shapes) {
    std::string shape = name;
    CAPTURE(shape);
    CHECK(parses_within(query, std::chrono::seconds(30)));
  }
}

TEST_CASE("parser: a chain of minus signs is still read as Loki reads it") {
  CHECK(!logql::parse("--1").ok());
  CHECK(logql::parse("-1").ok());
  CHECK(logql::parse("1 - -1").ok());
  CHECK(logql::parse("{a=\"b\"} | logfmt --strict --keep-empty").ok());
  CHECK(logql::parse("{a=\"b\"} | logfmt --keep-empty,").ok() == false);
  CHECK(!logql::parse("{a=\"b\"} | logfmt --stricter").ok());
  CHECK(!logql::parse("{a=\"b\"} | logfmt --strict-").ok());
}
