// The write path with replication and quorum (RingPushTarget) and the read path over replicas
// (RemoteIngesters): real ingesters behind their internal API on loopback, a ring on MemoryKv and
// a FakeClock.
#include <map>
#include <set>

#include "cluster/remote_ingesters.h"
#include "cluster/ring_push_target.h"
#include "cluster_test_util.h"
#include "query/executor.h"
#include "query/querier.h"

using namespace cluster_test;
using ingest_test::stream;

namespace {

model::LabelSet app(const std::string& name, int n) { return {{"app", name}, {"n", std::to_string(n)}}; }

// Every line the query returns, as "labels line", in result order.
std::vector<std::string> lines_of(query::Querier& q, const std::string& tenant, const std::string& text, int64_t start,
                                  int64_t end) {
  logql::QueryParams p;
  p.start = start;
  p.end = end;
  p.limit = 0;
  p.direction = logql::Direction::Forward;
  query::Limits limits;
  limits.max_entries_limit_per_query = 0;
  query::SourceFactory sources = [&] { return q.source({tenant}); };
  query::Outcome out = query::execute(text, p, sources, limits);
  REQUIRE_MESSAGE(out.status.ok(), out.status.error());
  std::vector<std::string> lines;
  for (const auto& s : out.result.streams)
    for (const auto& e : s.entries) lines.push_back(s.labels.to_string() + " " + e.line);
  return lines;
}

}  // namespace

TEST_CASE("ring push: each stream reaches its replication_factor replicas, acknowledged at quorum") {
  TestCluster c(3);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  const int64_t t0 = c.clock.now_ns();
  std::vector<push::Stream> streams;
  for (int i = 0; i < 20; ++i) streams.push_back(stream(app("a", i), {{t0 + i, "line " + std::to_string(i)}}));
  REQUIRE(target.push("t1", streams).ok());
  // RF 3 over 3 ingesters: every one holds every stream (the third call may finish after push returned).
  for (auto& t : c.ingesters) {
    CHECK(ring_test::eventually([&] { return count_entries(*t->ingester, "t1") == 20; }));
  }
  CHECK(target.stats().ingester_calls == 3);  // one call per ingester, not per stream
  CHECK(target.stats().quorum_failures == 0);
}

TEST_CASE("ring push: with RF 3 one ingester down is tolerated, two are not") {
  TestCluster c(3);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  const int64_t t0 = c.clock.now_ns();
  c.ingesters[1]->stop_serving();
  REQUIRE(target.push("t1", {stream(app("a", 1), {{t0, "one down"}})}).ok());
  CHECK(count_entries(*c.ingesters[0]->ingester, "t1") + count_entries(*c.ingesters[2]->ingester, "t1") >= 1);
  CHECK(ring_test::eventually([&] { return target.stats().ingester_failures == 1; }));

  c.ingesters[2]->stop_serving();
  util::Status st = target.push("t1", {stream(app("a", 2), {{t0 + 1, "two down"}})});
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().find("pushing to the ingesters") == 0);
  CHECK(target.stats().quorum_failures == 1);
}

TEST_CASE("ring push: an ingester whose heartbeat is too old is left out; without a quorum the ring says so") {
  TestCluster c(3);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  c.clock.advance(11 * kSecond);  // past heartbeat_timeout (10s)
  c.heartbeat_except({0});
  const int64_t t0 = c.clock.now_ns();
  REQUIRE(target.push("t1", {stream(app("a", 1), {{t0, "x"}})}).ok());
  CHECK(count_entries(*c.ingesters[1]->ingester, "t1") == 1);
  CHECK(ring_test::eventually([&] { return count_entries(*c.ingesters[2]->ingester, "t1") == 1; }));
  CHECK(count_entries(*c.ingesters[0]->ingester, "t1") == 0);  // unhealthy: not asked

  c.clock.advance(11 * kSecond);
  c.heartbeat_except({0, 1});
  util::Status st = target.push("t1", {stream(app("a", 2), {{t0, "y"}})});
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == util::ErrorCode::kUnavailable);
  CHECK(st.error().find("at least 2 live replicas required") != std::string::npos);
}

TEST_CASE("ring push: an ingester's 429 is the push's answer") {
  TestCluster c(1, 1);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  // Not a real limit of the ingester: a tenant ID the service refuses shows a client error passes through.
  util::Status st = target.push("bad/tenant", {stream(app("a", 1), {{c.clock.now_ns(), "x"}})});
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == util::ErrorCode::kInvalidArgument);
}

TEST_CASE("remote read: every line once, however many replicas hold it") {
  TestCluster c(3);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  cluster::RemoteIngesters reader(*c.view, c.clients, c.pool, {});
  query::Querier q(reader, nullptr);
  const int64_t t0 = c.clock.now_ns() - 60 * kSecond;
  std::vector<push::Stream> streams;
  for (int i = 0; i < 10; ++i) streams.push_back(stream(app("a", i % 3), {{t0 + i, "line " + std::to_string(i)}}));
  REQUIRE(target.push("t1", streams).ok());
  // One replica missed a write (it was down): the others have it; one has an extra entry alone.
  REQUIRE(c.ingesters[0]->ingester->push("t1", {stream(app("a", 0), {{t0 + 100, "only on one replica"}})}).ok());
  for (auto& t : c.ingesters) CHECK(ring_test::eventually([&] { return count_entries(*t->ingester, "t1") >= 10; }));

  auto lines = lines_of(q, "t1", "{app=\"a\"}", t0, t0 + 1000);
  CHECK(lines.size() == 11);
  CHECK(std::set<std::string>(lines.begin(), lines.end()).size() == 11);
  // Line filters travel to the ingesters; the answer is the same.
  auto filtered = lines_of(q, "t1", "{app=\"a\"} |= \"line 1\"", t0, t0 + 1000);
  CHECK(filtered == std::vector<std::string>{"{app=\"a\", n=\"1\"} line 1"});

  // Metric queries count each entry once too.
  logql::QueryParams p;
  p.start = p.end = t0 + 500;
  p.instant = true;
  query::SourceFactory sources = [&] { return q.source({"t1"}); };
  auto out = query::execute("sum(count_over_time({app=\"a\"}[1m]))", p, sources, query::Limits{});
  REQUIRE(out.status.ok());
  REQUIRE(out.result.vector.size() == 1);
  CHECK(out.result.vector[0].point.v == 11);
}

TEST_CASE("remote read: batches larger than one session answer stay in order and complete") {
  TestCluster c(2, 2);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  cluster::RemoteIngestersOptions ro;
  ro.batch_entries = 7;  // many small batches, fetched ahead
  cluster::RemoteIngesters reader(*c.view, c.clients, c.pool, ro);
  query::Querier q(reader, nullptr);
  const int64_t t0 = c.clock.now_ns() - 60 * kSecond;
  std::vector<push::Stream> streams;
  for (int s = 0; s < 4; ++s) {
    push::Stream st{app("b", s), {}};
    for (int i = 0; i < 50; ++i) st.entries.push_back({t0 + i * 4 + s, "e" + std::to_string(i * 4 + s), {}});
    streams.push_back(std::move(st));
  }
  REQUIRE(target.push("t1", streams).ok());
  for (auto& t : c.ingesters) CHECK(ring_test::eventually([&] { return count_entries(*t->ingester, "t1") == 200; }));
  auto lines = lines_of(q, "t1", "{app=\"b\"}", t0, t0 + 1000);
  REQUIRE(lines.size() == 200);
  // Streams come one after the other, each in time order; together every entry once.
  std::set<int> seen;
  std::map<std::string, int> last;
  for (const auto& l : lines) {
    std::string labels = l.substr(0, l.rfind(' '));
    int n = std::stoi(l.substr(l.rfind(' ') + 2));
    CHECK(seen.insert(n).second);
    auto [it, fresh] = last.try_emplace(labels, n);
    if (!fresh) {
      CHECK(n > it->second);
      it->second = n;
    }
  }
  CHECK(seen.size() == 200);
  // A query that stops early (limit) closes its sessions on the ingesters.
  logql::QueryParams p;
  p.start = t0;
  p.end = t0 + 1000;
  p.limit = 3;
  query::SourceFactory sources = [&] { return q.source({"t1"}); };
  REQUIRE(query::execute("{app=\"b\"}", p, sources, query::Limits{}).status.ok());
  for (auto& t : c.ingesters) {
    CHECK(ring_test::eventually([&] { return t->service->service_stats().open_sessions == 0; }));
  }
}

TEST_CASE("remote read: one ingester down is tolerated, two fail the read") {
  TestCluster c(3);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  cluster::RemoteIngesters reader(*c.view, c.clients, c.pool, {});
  query::Querier q(reader, nullptr);
  const int64_t t0 = c.clock.now_ns() - 60 * kSecond;
  REQUIRE(target.push("t1", {stream(app("a", 1), {{t0, "x"}, {t0 + 1, "y"}})}).ok());
  for (auto& t : c.ingesters) CHECK(ring_test::eventually([&] { return count_entries(*t->ingester, "t1") == 2; }));
  c.ingesters[0]->stop_serving();
  CHECK(lines_of(q, "t1", "{app=\"a\"}", t0, t0 + 10).size() == 2);
  auto names = q.label_names({"t1"}, t0, t0 + 10);
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"app", "n"});
  c.ingesters[1]->stop_serving();
  auto source = q.source({"t1"});
  REQUIRE(source.ok());
  logql::SelectParams p;
  p.matchers = {{"app", logql::ast::MatchOp::Eq, "a"}};
  p.start = t0;
  p.end = t0 + 10;
  auto it = (*source)->select(p);
  REQUIRE_FALSE(it.ok());
  CHECK(it.code() == util::ErrorCode::kUnavailable);
  CHECK(it.error().find("too many ingesters failed (2 of 3, at most 1 may)") == 0);
}

TEST_CASE("remote read: label queries are unions, stats are not multiplied by the replicas") {
  TestCluster c(3);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  cluster::RemoteIngesters reader(*c.view, c.clients, c.pool, {});
  query::Querier q(reader, nullptr);
  const int64_t t0 = c.clock.now_ns() - 60 * kSecond;
  REQUIRE(target.push("t1", {stream({{"app", "a"}, {"level", "info"}}, {{t0, "abc"}}),
                              stream({{"app", "b"}}, {{t0, "de"}, {t0 + 1, "fg"}})})
              .ok());
  for (auto& t : c.ingesters) CHECK(ring_test::eventually([&] { return count_entries(*t->ingester, "t1") == 3; }));
  auto values = q.label_values({"t1"}, "app", {}, t0, t0 + 10);
  REQUIRE(values.ok());
  CHECK(*values == std::vector<std::string>{"a", "b"});
  auto series = q.series({"t1"}, {{"app", logql::ast::MatchOp::Eq, "b"}}, t0, t0 + 10);
  REQUIRE(series.ok());
  CHECK(series->size() == 1);
  auto stats = q.stats({"t1"}, {{"app", logql::ast::MatchOp::Re, ".+"}}, t0, t0 + 10);
  REQUIRE(stats.ok());
  CHECK(stats->streams == 2);
  CHECK(stats->entries == 3);
  CHECK(stats->bytes == 7);
}

TEST_CASE("remote read: patterns count each line once however many replicas mined it") {
  TestCluster c(3, 3, /*patterns=*/true);
  cluster::RingPushTarget target(*c.view, c.clients, c.pool);
  cluster::RemoteIngesters reader(*c.view, c.clients, c.pool, {});
  query::Querier q(reader, nullptr);
  const int64_t t0 = c.clock.now_ns() - 600 * kSecond;
  std::vector<std::pair<int64_t, std::string>> lines;
  for (int i = 0; i < 40; ++i) {
    lines.push_back({t0 + i * kSecond, "job " + std::to_string(i) + " finished in " + std::to_string(i * 7) + "ms"});
  }
  REQUIRE(target.push("t1", {stream({{"app", "a"}}, lines)}).ok());
  for (auto& t : c.ingesters) CHECK(ring_test::eventually([&] { return count_entries(*t->ingester, "t1") == 40; }));
  auto patterns = q.patterns({"t1"}, {{"app", logql::ast::MatchOp::Eq, "a"}}, t0, t0 + 600 * kSecond, 60 * kSecond);
  REQUIRE(patterns.ok());
  REQUIRE(patterns->size() == 1);
  CHECK((*patterns)[0].pattern == "job <_> finished in <_>");
  CHECK((*patterns)[0].total() == 40);
  // One replica down is tolerated, as for every read.
  c.ingesters[0]->stop_serving();
  auto again = q.patterns({"t1"}, {{"app", logql::ast::MatchOp::Eq, "a"}}, t0, t0 + 600 * kSecond, 60 * kSecond);
  REQUIRE(again.ok());
  CHECK(*again == *patterns);
}

TEST_CASE("remote read: patterns from ingesters without the pattern ingester are an error") {
  TestCluster c(1, 1);
  cluster::RemoteIngesters reader(*c.view, c.clients, c.pool, {});
  query::Querier q(reader, nullptr);
  const int64_t now = c.clock.now_ns();
  auto patterns = q.patterns({"t1"}, {{"app", logql::ast::MatchOp::Eq, "a"}}, now - 60 * kSecond, now, kSecond);
  REQUIRE_FALSE(patterns.ok());
  CHECK(patterns.error().find("pattern_ingester.enabled") != std::string::npos);
}

TEST_CASE("remote read: ranges older than query_ingesters_within do not reach the ingesters") {
  TestCluster c(1, 1);
  cluster::RemoteIngestersOptions ro;
  ro.query_ingesters_within_ns = 3600 * kSecond;
  cluster::RemoteIngesters reader(*c.view, c.clients, c.pool, ro);
  const int64_t now = c.clock.now_ns();
  auto w = reader.ingester_window(now - 5 * 3600 * kSecond, now - 2 * 3600 * kSecond);
  CHECK(w.first >= w.second);  // nothing to ask
  w = reader.ingester_window(now - 5 * 3600 * kSecond, now);
  CHECK(w.first == now - 3600 * kSecond);
  CHECK(w.second == now);
  REQUIRE(c.ingesters[0]->ingester->push("t1", {stream(app("a", 1), {{now - 2 * 3600 * kSecond, "old"}})}).ok());
  query::Querier q(reader, nullptr);
  CHECK(lines_of(q, "t1", "{app=\"a\"}", now - 5 * 3600 * kSecond, now).empty());
  CHECK(reader.remote_stats().selects == 1);  // asked once, for the recent hour only
}
