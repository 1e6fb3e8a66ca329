#include <doctest/doctest.h>

#include "logql/log/ip_matcher.h"
#include "logql/log/line_filter.h"
#include "logql/log/pattern.h"
#include "test_util.h"

using namespace logql::log;
using namespace logql::log::testing;
using Op = logql::ast::LineFilterOp;

namespace {
bool keeps(logql::ast::Stage f, const std::string& line) { return run(stages(std::move(f)), "{app=\"a\"}", line).kept; }
}  // namespace

TEST_CASE("contains and not-contains filters, with or alternatives") {
  CHECK(keeps(line_filter(Op::Contains, {"error"}), "level=error msg=boom"));
  CHECK_FALSE(keeps(line_filter(Op::Contains, {"error"}), "level=info"));
  CHECK_FALSE(keeps(line_filter(Op::Contains, {"Error"}), "level=error"));  // case-sensitive
  CHECK(keeps(line_filter(Op::NotContains, {"debug"}), "level=info"));
  CHECK(keeps(line_filter(Op::Contains, {""}), "anything"));
  // `|= "a" or "b"`: either; `!= "a" or "b"`: neither (Loki ANDs the negations).
  CHECK(keeps(line_filter(Op::Contains, {"warn", "error"}), "level=warn"));
  CHECK_FALSE(keeps(line_filter(Op::Contains, {"warn", "error"}), "level=info"));
  CHECK_FALSE(keeps(line_filter(Op::NotContains, {"warn", "error"}), "level=warn"));
  CHECK_FALSE(keeps(line_filter(Op::NotContains, {"warn", "error"}), "level=error"));
  CHECK(keeps(line_filter(Op::NotContains, {"warn", "error"}), "level=info"));
}

TEST_CASE("regex filters are unanchored RE2, with literal fast paths") {
  CHECK(keeps(line_filter(Op::Regex, {"err(or)?"}), "an error here"));
  CHECK_FALSE(keeps(line_filter(Op::Regex, {"^err"}), "an error here"));
  CHECK(keeps(line_filter(Op::Regex, {"(?i)ERROR"}), "an error here"));
  CHECK(keeps(line_filter(Op::Regex, {"(?i)error"}), "AN ERROR HERE"));
  CHECK(keeps(line_filter(Op::Regex, {"foo|bar"}), "xxbarxx"));
  CHECK_FALSE(keeps(line_filter(Op::Regex, {"foo|bar"}), "baz"));
  CHECK(keeps(line_filter(Op::NotRegex, {"foo|bar"}), "baz"));
  CHECK(keeps(line_filter(Op::Regex, {"a.c"}), "xabcx"));
  CHECK_FALSE(keeps(line_filter(Op::Regex, {"a.c"}), "a\nc"));  // `.` does not match newline
  CHECK(compile_error(stages(line_filter(Op::Regex, {"(unclosed"}))).find("invalid regex") == 0);
}

TEST_CASE("case-insensitive literal search handles both cases of the first byte") {
  auto m = compile_regex_line_matcher("(?i)bar");
  REQUIRE(m.ok());
  CHECK((*m)->matches("fooBaR"));
  CHECK((*m)->matches("BAR"));
  CHECK_FALSE((*m)->matches("ba"));
  CHECK_FALSE((*m)->matches("baz bax"));
}

TEST_CASE("ip line filters: single address, CIDR and range, IPv4 and IPv6 (Loki docs)") {
  auto ip = [](const char* p) { return line_filter(Op::Contains, {p}, true); };
  CHECK(keeps(ip("192.168.4.5"), "kernel: connect from 192.168.4.5 port 22"));
  CHECK_FALSE(keeps(ip("192.168.4.5"), "kernel: connect from 192.168.4.50 port 22"));
  CHECK(keeps(ip("192.168.4.5/16"), "from 192.168.100.7"));
  CHECK_FALSE(keeps(ip("192.168.4.5/16"), "from 192.169.0.1"));
  CHECK(keeps(ip("192.168.4.5-192.168.4.20"), "src=192.168.4.19 ok"));
  CHECK_FALSE(keeps(ip("192.168.4.5-192.168.4.20"), "src=192.168.4.21 ok"));
  CHECK(keeps(ip("2001:db8::/32"), "peer 2001:db8:1::7 connected"));
  CHECK(keeps(ip("::1"), "bind ::1 done"));
  CHECK(keeps(line_filter(Op::NotContains, {"10.0.0.0/8"}, true), "from 192.168.1.1"));
  CHECK_FALSE(keeps(line_filter(Op::NotContains, {"10.0.0.0/8"}, true), "from 10.1.2.3"));
  CHECK(compile_error(stages(ip("300.1.1.1"))).find("ip: invalid pattern") == 0);
}

TEST_CASE("ip address parsing follows Go netip") {
  IpAddr a;
  CHECK(parse_ip("10.0.0.1", a));
  CHECK_FALSE(parse_ip("10.0.0.01", a));  // leading zero
  CHECK_FALSE(parse_ip("10.0.0", a));
  CHECK(parse_ip("::ffff:1.2.3.4", a));
  CHECK(a.v6);
  CHECK(a.b[15] == 4);
  CHECK(parse_ip("fe80::1:2", a));
  CHECK_FALSE(parse_ip("1::2::3", a));
  CHECK_FALSE(parse_ip("1:2:3:4:5:6:7:8:9", a));
}

TEST_CASE("pattern line filters (|> and !>) follow Loki's Test semantics") {
  CHECK_FALSE(keeps(line_filter(Op::Pattern, {"<_> bar"}), "foo bar baz"));
  CHECK(keeps(line_filter(Op::Pattern, {"<_> baz"}), "foo bar baz"));
  CHECK(keeps(line_filter(Op::Pattern, {"foo <_>"}), "foo bar baz"));
  CHECK_FALSE(keeps(line_filter(Op::Pattern, {"<_> bar <_>"}), " bar "));  // empty captures
  CHECK(keeps(line_filter(Op::Pattern, {"<_>bar<_>"}), " bar "));
  CHECK(keeps(line_filter(Op::NotPattern, {"<_> bar"}), "foo bar baz"));
  CHECK(keeps(line_filter(Op::Pattern, {"<_> bar", "<_> baz"}), "foo bar baz"));
}

TEST_CASE("pattern expressions: captures, compile errors") {
  auto m = PatternMatcher::compile_parser("<ip> - <_> [<ts>] \"<method> <path>\"");
  REQUIRE(m.ok());
  std::vector<std::string_view> caps;
  m->matches("1.2.3.4 - x [now] \"GET /a b\"", caps);
  REQUIRE(caps.size() == 4);
  CHECK(caps[0] == "1.2.3.4");
  CHECK(caps[1] == "now");
  CHECK(caps[2] == "GET");
  CHECK(caps[3] == "/a b");
  CHECK(PatternMatcher::compile_parser("<_> foo").error() == "at least one capture is required");
  CHECK(PatternMatcher::compile_parser("<a><b>").error() == "found consecutive capture: invalid expression");
  CHECK(PatternMatcher::compile_parser("<a> <a>").error() == "duplicate capture name (a): invalid expression");
  CHECK(PatternMatcher::compile_filter("just text").ok());
}
