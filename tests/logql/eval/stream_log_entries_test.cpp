// stream_log_entries gives exactly the entries evaluate() returns, in the order a client prints
// a result (time order in the query's direction; equal timestamps by label string, then as
// read), whatever the pipeline, limit, interval or direction.
#include <doctest/doctest.h>

#include <algorithm>

#include "logql/eval/engine.h"
#include "logql/eval/memory_source.h"
#include "logql/parser.h"

namespace {

constexpr int64_t kSec = 1'000'000'000;

// Three streams with timestamps that tie across streams and within one, lines in logfmt.
logql::MemorySource tied_streams() {
  logql::MemorySource src;
  const model::LabelSet a{{"app", "a"}}, b{{"app", "b"}}, c{{"app", "a1"}};
  auto add = [&](const model::LabelSet& s, int64_t t, std::string line) {
    src.append(s, model::Entry{t * kSec, std::move(line), {}});
  };
  add(a, 1, "id=1 level=info");
  add(b, 1, "id=2 level=error");
  add(c, 1, "id=3 level=info");
  add(a, 2, "id=4 level=info");
  add(a, 2, "id=5 level=info");
  add(b, 3, "id=6 level=error");
  add(c, 4, "id=7 level=warn");
  add(b, 4, "id=8 level=info");
  add(a, 5, "id=9 level=info");
  return src;
}

// What a client prints from evaluate(): streams in result order, entries merged by time
// (stable, so ties keep stream order).
std::vector<std::string> printed_from_result(const logql::QueryResult& r, logql::Direction d) {
  struct Row {
    int64_t ts;
    std::string text;
  };
  std::vector<Row> rows;
  for (const auto& s : r.streams)
    for (const auto& e : s.entries) rows.push_back({e.timestamp, s.labels.to_string() + " " + e.line});
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) {
    return d == logql::Direction::Forward ? x.ts < y.ts : x.ts > y.ts;
  });
  std::vector<std::string> out;
  for (auto& row : rows) out.push_back(std::move(row.text));
  return out;
}

}  // namespace

TEST_CASE("stream_log_entries prints what evaluate returns, in print order") {
  for (const char* query : {"{app=~\".+\"}", "{app=~\".+\"} | logfmt", "{app=~\".+\"} | logfmt | level!=\"warn\"",
                            "{app=~\".+\"} | logfmt | line_format \"{{.level}}\"", "{app=~\".+\"} |= \"info\""}) {
    for (auto dir : {logql::Direction::Forward, logql::Direction::Backward}) {
      for (uint32_t limit : {0u, 3u, 100u}) {
        for (int64_t interval : {int64_t{0}, 2 * kSec}) {
          INFO(query, " direction ", static_cast<int>(dir), " limit ", limit, " interval ", interval);
          auto expr = logql::parse(query);
          REQUIRE(expr.ok());
          logql::QueryParams p;
          p.start = 0;
          p.end = 10 * kSec;
          p.step = kSec;
          p.direction = dir;
          p.limit = limit;
          p.interval = interval;
          auto src = tied_streams();
          auto result = logql::evaluate(*expr, p, src);
          REQUIRE(result.ok());
          std::vector<std::string> streamed;
          auto st = logql::stream_log_entries(*expr, p, src, [&](const model::LabelSet& l, const model::Entry& e) {
            streamed.push_back(l.to_string() + " " + e.line);
          });
          REQUIRE(st.ok());
          CHECK(streamed == printed_from_result(*result, dir));
          CHECK_FALSE(streamed.empty());
        }
      }
    }
  }
}

TEST_CASE("stream_log_entries refuses what evaluate refuses") {
  auto src = tied_streams();
  logql::QueryParams p;
  p.start = p.end = 5 * kSec;
  auto log = logql::parse("{app=\"a\"}");
  auto st = logql::stream_log_entries(*log, p, src, [](const model::LabelSet&, const model::Entry&) {});
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().find("instant query type") != std::string::npos);
  auto metric = logql::parse("count_over_time({app=\"a\"}[1m])");
  p.end = 10 * kSec;
  p.step = kSec;
  CHECK_FALSE(logql::stream_log_entries(*metric, p, src, [](const model::LabelSet&, const model::Entry&) {}).ok());
}
