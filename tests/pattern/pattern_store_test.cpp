#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "logql/parser.h"
#include "pattern/pattern_store.h"
#include "util/clock.h"

namespace {

using pattern::PatternConfig;
using pattern::PatternSeries;
using pattern::PatternStore;
using pattern::Sample;
using pattern::StreamPatterns;

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1'699'999'980 * kSec;  // a multiple of 60 s

logql::LabelMatchers selector(const std::string& text) {
  auto m = logql::parse_matchers(text);
  REQUIRE(m.ok());
  auto c = logql::LabelMatchers::compile(*m);
  REQUIRE(c.ok());
  return std::move(*c);
}

push::Stream stream(model::LabelSet labels, std::vector<std::pair<int64_t, std::string>> lines,
                    std::string level = "") {
  push::Stream s{std::move(labels), {}};
  for (auto& [ts, line] : lines) {
    model::Entry e{ts, std::move(line), {}};
    if (!level.empty()) e.metadata.set("detected_level", level);
    s.entries.push_back(std::move(e));
  }
  return s;
}

}  // namespace

TEST_CASE("pattern store answers counts per step for the selected streams only") {
  util::FakeClock clock(kT0);
  PatternConfig cfg;
  cfg.enabled = true;
  PatternStore store(cfg, clock);
  std::vector<std::pair<int64_t, std::string>> api, db;
  for (int i = 0; i < 12; ++i) {
    api.push_back({kT0 + i * 10 * kSec, "request " + std::to_string(i) + " served in " + std::to_string(i * 3) + "ms"});
  }
  for (int i = 0; i < 4; ++i) db.push_back({kT0 + i * kSec, "query took " + std::to_string(i) + " ms on replica"});
  store.observe("t1", {stream({{"app", "api"}}, api), stream({{"app", "db"}}, db)});

  auto answer = store.query("t1", selector(R"({app="api"})"), kT0, kT0 + 3600 * kSec, 60 * kSec);
  REQUIRE(answer.size() == 1);
  CHECK(answer[0].labels == model::LabelSet{{"app", "api"}});
  REQUIRE(answer[0].series.size() == 1);
  const PatternSeries& s = answer[0].series[0];
  CHECK(s.pattern == "request <_> served in <_>");
  CHECK(s.level == "unknown");
  const int64_t t0_ms = kT0 / 1'000'000;
  CHECK(s.samples == std::vector<Sample>{{t0_ms, 6}, {t0_ms + 60'000, 6}});

  // A step under the sample interval is the interval; the range is [start, end).
  auto fine = store.query("t1", selector(R"({app="api"})"), kT0 + 20 * kSec, kT0 + 50 * kSec, kSec);
  REQUIRE(fine.size() == 1);
  CHECK(fine[0].series[0].samples == std::vector<Sample>{{t0_ms + 20'000, 1}, {t0_ms + 30'000, 1}, {t0_ms + 40'000, 1}});

  CHECK(store.query("t2", selector(R"({app="api"})"), kT0, kT0 + 3600 * kSec, 60 * kSec).empty());
  CHECK(store.query("t1", selector(R"({app="api"})"), kT0 + 7200 * kSec, kT0 + 7300 * kSec, 60 * kSec).empty());
}

TEST_CASE("pattern store keeps levels apart and normalizes detected_level") {
  util::FakeClock clock(kT0);
  PatternStore store(PatternConfig{true}, clock);
  store.observe("t", {stream({{"app", "a"}}, {{kT0, "job 1 failed with code 3"}, {kT0 + kSec, "job 2 failed with code 4"}},
                             "ERROR"),
                      stream({{"app", "a"}}, {{kT0 + 2 * kSec, "job 3 failed with code 5"}}, "warning")});
  auto answer = store.query("t", selector(R"({app="a"})"), kT0, kT0 + 60 * kSec, 60 * kSec);
  REQUIRE(answer.size() == 1);
  REQUIRE(answer[0].series.size() == 2);
  std::map<std::string, int64_t> by_level;
  for (const auto& s : answer[0].series) by_level[s.level] += s.total();
  // "warning" is not one of Loki's levels.
  CHECK(by_level == std::map<std::string, int64_t>{{"error", 2}, {"unknown", 1}});
}

TEST_CASE("pattern store ignores lines older than the stream's newest") {
  util::FakeClock clock(kT0);
  PatternStore store(PatternConfig{true}, clock);
  store.observe("t", {stream({{"app", "a"}}, {{kT0 + 50 * kSec, "late worker 1 started ok"},
                                              {kT0, "late worker 2 started ok"},
                                              {kT0 + 51 * kSec, "late worker 3 started ok"}})});
  auto answer = store.query("t", selector(R"({app="a"})"), kT0, kT0 + 60 * kSec, 60 * kSec);
  REQUIRE(answer.size() == 1);
  CHECK(answer[0].series[0].total() == 2);
}

TEST_CASE("pattern store prunes what is older than retain_for on the clock") {
  util::FakeClock clock(kT0);
  PatternConfig cfg;
  cfg.enabled = true;
  cfg.retain_for = 3600 * kSec;
  cfg.flush_check_period = 60 * kSec;
  PatternStore store(cfg, clock);
  store.observe("t", {stream({{"app", "old"}}, {{kT0, "old shape line number 1"}}),
                      stream({{"app", "new"}}, {{kT0 + 1800 * kSec, "new shape line number 1"}})});
  CHECK(store.stats().streams == 2);
  clock.advance(30 * kSec);
  store.maybe_prune();  // not due yet: nothing changes even past retain_for
  clock.set(kT0 + 3700 * kSec);
  store.maybe_prune();
  CHECK(store.stats().streams == 1);
  CHECK(store.stats().clusters == 1);
  CHECK(store.query("t", selector(R"({app="old"})"), kT0, kT0 + 7200 * kSec, 60 * kSec).empty());
  clock.set(kT0 + 5500 * kSec);
  store.prune();
  CHECK(store.stats().streams == 0);
}

TEST_CASE("patterns of several streams and replicas merge as Loki's querier does") {
  auto series = [](std::string p, std::vector<Sample> s) { return PatternSeries{std::move(p), "unknown", std::move(s)}; };
  // Replica 2 of stream a saw fewer lines: replica 1's copy is kept, not both.
  std::vector<StreamPatterns> ingester1 = {{{{"app", "a"}}, {series("x <_>", {{0, 20}, {10'000, 5}})}},
                                           {{{"app", "b"}}, {series("x <_>", {{10'000, 10}}), series("rare <_>", {{0, 3}})}}};
  std::vector<StreamPatterns> ingester2 = {{{{"app", "a"}}, {series("x <_>", {{0, 20}})}}};
  auto streams = pattern::dedupe_replicas({ingester1, ingester2});
  REQUIRE(streams.size() == 2);
  auto top = pattern::top_patterns(streams);
  REQUIRE(top.size() == 1);  // "rare" has fewer than 30 lines
  CHECK(top[0].pattern == "x <_>");
  CHECK(top[0].samples == std::vector<Sample>{{0, 20}, {10'000, 15}});
}
