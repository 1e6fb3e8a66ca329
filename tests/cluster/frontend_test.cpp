// The query-frontend's parts: splitting by interval, merging the pieces back, the fair per-tenant
// queue, and the scheduler (retries, 429, timeouts, readiness) on a FakeClock.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "../ring/wait.h"
#include "cluster/frontend.h"
#include "cluster/query_split.h"
#include "cluster/tenant_queue.h"
#include "query/result_merge.h"

namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kHour = 3600 * kSec;

logql::QueryParams range(int64_t start, int64_t end, int64_t step = 0) {
  logql::QueryParams p;
  p.start = start;
  p.end = end;
  p.step = step;
  p.limit = 100;
  p.direction = logql::Direction::Backward;
  return p;
}

logql::Stream stream(const std::string& app, std::vector<int64_t> ts) {
  logql::Stream s{{{"app", app}}, {}};
  for (int64_t t : ts) s.entries.push_back({t, app + std::to_string(t), {}});
  return s;
}

}  // namespace

TEST_CASE("split: log queries at interval multiples, newest piece first for backward") {
  auto pieces = cluster::split_by_interval(range(90 * 60 * kSec, 4 * kHour), true, kHour);
  REQUIRE(pieces.size() == 3);
  CHECK(pieces[0].start == 3 * kHour);
  CHECK(pieces[0].end == 4 * kHour);
  CHECK(pieces[1].start == 2 * kHour);
  CHECK(pieces[2].start == 90 * 60 * kSec);
  CHECK(pieces[2].end == 2 * kHour);
  for (const auto& p : pieces) CHECK(p.limit == 100);
  auto forward = range(0, 2 * kHour);
  forward.direction = logql::Direction::Forward;
  pieces = cluster::split_by_interval(forward, true, kHour);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0].start == 0);
  CHECK(pieces[1].start == kHour);
  // Not split: no interval, an instant query, one entry per `interval`.
  CHECK(cluster::split_by_interval(range(0, 4 * kHour), true, 0).size() == 1);
  auto thinned = range(0, 4 * kHour);
  thinned.interval = kSec;
  CHECK(cluster::split_by_interval(thinned, true, kHour).size() == 1);
  auto instant = range(kHour, kHour);
  instant.instant = true;
  CHECK(cluster::split_by_interval(instant, false, kHour).size() == 1);
}

TEST_CASE("split: metric queries keep exactly the query's steps") {
  // Steps every 7 minutes from 0:05 to 3:00: pieces cut at the hours, each on the query's grid;
  // 3:00 itself is a step (0:05 + 25 x 7m), alone in the fourth hour.
  const int64_t step = 7 * 60 * kSec;
  auto q = range(5 * 60 * kSec, 3 * kHour, step);
  auto pieces = cluster::split_by_interval(q, false, kHour);
  std::vector<int64_t> steps;
  for (const auto& p : pieces) {
    CHECK(p.step == step);
    CHECK((p.start - q.start) % step == 0);
    CHECK((p.end - q.start) % step == 0);
    CHECK(p.start / kHour == p.end / kHour);  // inside one interval
    for (int64_t t = p.start; t <= p.end; t += step) steps.push_back(t);
  }
  std::vector<int64_t> want;
  for (int64_t t = q.start; t <= q.end; t += step) want.push_back(t);
  CHECK(steps == want);
  REQUIRE(pieces.size() == 4);
  CHECK(pieces[3].start == 3 * kHour);
  CHECK(pieces[3].end == 3 * kHour);
}

TEST_CASE("merge: matrix pieces become the whole query's series") {
  logql::QueryResult a{logql::ResultType::Matrix, {}, {{{{"level", "info"}}, {{1, 1}, {2, 2}}}}, {}, {}};
  logql::QueryResult b{logql::ResultType::Matrix, {},
                       {{{{"level", "error"}}, {{3, 5}}}, {{{"level", "info"}}, {{3, 3}}}}, {}, {}};
  std::vector<logql::QueryResult> pieces;
  pieces.push_back(a);
  pieces.push_back(b);
  auto m = query::merge_matrix_pieces(std::move(pieces));
  REQUIRE(m.matrix.size() == 2);
  CHECK(m.matrix[0].labels.to_string() == "{level=\"error\"}");
  CHECK(m.matrix[1].points.size() == 3);
  CHECK(m.matrix[1].points[2].t == 3);
}

TEST_CASE("merge: log pieces keep the first `limit` entries in direction order") {
  // Backward, newest piece first: piece 1 holds 30..20, piece 2 holds 19..10.
  logql::QueryResult p1{logql::ResultType::Streams, {stream("a", {30, 25}), stream("b", {28, 20})}, {}, {}, {}};
  logql::QueryResult p2{logql::ResultType::Streams, {stream("a", {19, 11}), stream("b", {15})}, {}, {}, {}};
  auto m = query::merge_stream_pieces({p1, p2}, logql::Direction::Backward, 5);
  REQUIRE(m.streams.size() == 2);
  CHECK(m.streams[0].labels.to_string() == "{app=\"a\"}");
  std::vector<int64_t> a, b;
  for (const auto& e : m.streams[0].entries) a.push_back(e.timestamp);
  for (const auto& e : m.streams[1].entries) b.push_back(e.timestamp);
  CHECK(a == std::vector<int64_t>{30, 25, 19});
  CHECK(b == std::vector<int64_t>{28, 20});
  auto all = query::merge_stream_pieces({p1, p2}, logql::Direction::Backward, 0);
  CHECK(all.streams[0].entries.size() + all.streams[1].entries.size() == 7);
}

TEST_CASE("tenant queue: round-robin across tenants, FIFO within one, a bound per tenant") {
  cluster::TenantQueue q(3);
  for (uint64_t i = 1; i <= 3; ++i) q.push_back("busy", i);
  CHECK_FALSE(q.fits("busy", 1));
  CHECK(q.fits("quiet", 3));
  q.push_back("quiet", 100);
  q.push_back("other", 200);
  // The busy tenant's backlog does not delay the others by more than one item each.
  std::vector<std::pair<std::string, uint64_t>> order;
  while (auto next = q.pop()) order.push_back(*next);
  REQUIRE(order.size() == 5);
  CHECK(order[0] == std::make_pair(std::string("busy"), uint64_t{1}));
  CHECK(order[1].first == "quiet");
  CHECK(order[2].first == "other");
  CHECK(order[3] == std::make_pair(std::string("busy"), uint64_t{2}));
  CHECK(order[4] == std::make_pair(std::string("busy"), uint64_t{3}));
  // A retry goes first in its tenant; removal drops queued items.
  q.push_back("t", 1);
  q.push_back("t", 2);
  q.push_front("t", 9);
  CHECK(q.pop()->second == 9);
  CHECK(q.remove("t", {2}) == 1);
  CHECK(q.pop()->second == 1);
  CHECK(q.total() == 0);
  CHECK_FALSE(q.pop().has_value());
}

namespace {

// A frontend with a fake worker in the test's thread.
struct FrontendFixture {
  util::FakeClock clock;
  cluster::Frontend frontend;
  explicit FrontendFixture(cluster::FrontendOptions o = {}) : frontend(with_clock(o, clock)) {}
  static cluster::FrontendOptions with_clock(cluster::FrontendOptions o, util::FakeClock& c) {
    o.clock = &c;
    o.background_expiry = false;
    return o;
  }
};

cluster::WorkItem piece(int64_t start) {
  cluster::WorkItem w;
  w.is_query = true;
  w.query.query = "{app=\"a\"}";
  w.query.params = range(start, start + kHour);
  return w;
}

cluster::WorkResult answer(const cluster::WorkItem& item, int64_t marker) {
  cluster::WorkResult r;
  r.id = item.id;
  r.is_query = true;
  r.query.result.type = logql::ResultType::Streams;
  r.query.result.streams.push_back(stream("a", {marker}));
  return r;
}

}  // namespace

TEST_CASE("frontend: pieces run on workers and come back in the request's order") {
  FrontendFixture f;
  CHECK(f.frontend.ready().code() == util::ErrorCode::kUnavailable);  // no querier yet
  util::Result<std::vector<cluster::WorkResult>> got = util::Error{"not run"};
  std::thread client([&] { got = f.frontend.run("t1", {piece(0), piece(kHour), piece(2 * kHour)}, INT64_MAX); });
  std::vector<cluster::WorkResult> results;
  int served = 0;
  while (served < 3) {
    auto items = f.frontend.poll("w1", std::move(results), 100);
    results.clear();
    for (const auto& item : items) {
      results.push_back(answer(item, item.query.params.start));
      ++served;
    }
  }
  (void)f.frontend.poll("w1", std::move(results), 0);
  client.join();
  REQUIRE_MESSAGE(got.ok(), got.error());
  REQUIRE(got->size() == 3);
  CHECK((*got)[1].query.result.streams[0].entries[0].timestamp == kHour);
  CHECK(f.frontend.ready().ok());
  f.clock.advance(11 * kSec);  // the worker has not polled for longer than the window
  CHECK_FALSE(f.frontend.ready().ok());
}

TEST_CASE("frontend: a tenant past max_outstanding_per_tenant gets 429; others are not affected") {
  cluster::FrontendOptions o;
  o.max_outstanding_per_tenant = 2;
  FrontendFixture f(o);
  std::thread first([&] { (void)f.frontend.run("busy", {piece(0), piece(kHour)}, f.clock.now_ns() + kHour); });
  REQUIRE(ring_test::eventually([&] { return f.frontend.stats().queued["busy"] == 2; }));
  auto refused = f.frontend.run("busy", {piece(0)}, f.clock.now_ns() + kHour);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == util::ErrorCode::kRateLimited);
  CHECK(refused.error() == "too many outstanding requests");
  std::thread other([&] { (void)f.frontend.run("quiet", {piece(0)}, f.clock.now_ns() + kHour); });
  REQUIRE(ring_test::eventually([&] { return f.frontend.stats().queued["quiet"] == 1; }));
  // Fair: the quiet tenant's only piece is served second, not after the busy backlog.
  auto a = f.frontend.poll("w", {}, 0);
  auto b = f.frontend.poll("w2", {}, 0);
  REQUIRE((a.size() == 1 && b.size() == 1));
  CHECK(f.frontend.stats().queued["busy"] == 1);
  CHECK(f.frontend.stats().queued.count("quiet") == 0);
  f.clock.advance(2 * kHour);  // both clients give up at their deadline
  first.join();
  other.join();
  CHECK(f.frontend.stats().rejected == 1);
}

TEST_CASE("frontend: a piece failing with 5xx is retried, a 4xx fails the request, an unanswered piece is requeued") {
  cluster::FrontendOptions o;
  o.max_retries = 2;
  o.piece_timeout_ns = 30 * kSec;
  FrontendFixture f(o);
  util::Result<std::vector<cluster::WorkResult>> got = util::Error{"not run"};
  std::thread client([&] { got = f.frontend.run("t", {piece(0)}, INT64_MAX); });
  auto items = f.frontend.poll("w", {}, 1000);
  REQUIRE(items.size() == 1);
  cluster::WorkResult failed;
  failed.id = items[0].id;
  failed.is_query = true;
  failed.error_status = 503;
  failed.error = "too many ingesters failed";
  items = f.frontend.poll("w", {failed}, 1000);  // handed in, and the same piece comes back
  REQUIRE(items.size() == 1);
  CHECK(f.frontend.stats().retries == 1);
  // The worker dies with it: after piece_timeout the piece is given to another one.
  f.clock.advance(31 * kSec);
  f.frontend.expire_in_flight();
  CHECK(f.frontend.stats().timeouts == 1);
  items = f.frontend.poll("w2", {}, 1000);
  REQUIRE(items.size() == 1);
  (void)f.frontend.poll("w2", {answer(items[0], 7)}, 0);
  client.join();
  REQUIRE_MESSAGE(got.ok(), got.error());
  CHECK((*got)[0].query.result.streams[0].entries[0].timestamp == 7);

  std::thread bad([&] { got = f.frontend.run("t", {piece(0)}, INT64_MAX); });
  items = f.frontend.poll("w", {}, 1000);
  REQUIRE(items.size() == 1);
  cluster::WorkResult invalid;
  invalid.id = items[0].id;
  invalid.is_query = true;
  invalid.error_status = 400;
  invalid.error = "parse error";
  (void)f.frontend.poll("w", {invalid}, 0);
  bad.join();
  REQUIRE_FALSE(got.ok());
  CHECK(got.code() == util::ErrorCode::kInvalidArgument);
  CHECK(got.error() == "parse error");
}

TEST_CASE("frontend: at most max_parallelism pieces of one request are out at once") {
  cluster::FrontendOptions o;
  o.max_parallelism = 2;
  FrontendFixture f(o);
  std::vector<cluster::WorkItem> items;
  for (int i = 0; i < 5; ++i) items.push_back(piece(i * kHour));
  util::Result<std::vector<cluster::WorkResult>> got = util::Error{"not run"};
  std::thread client([&] { got = f.frontend.run("t", items, INT64_MAX); });
  REQUIRE(ring_test::eventually([&] { return f.frontend.stats().queued["t"] == 2; }));
  auto a = f.frontend.poll("w1", {}, 1000);
  auto b = f.frontend.poll("w2", {}, 1000);
  REQUIRE((a.size() == 1 && b.size() == 1));
  CHECK(f.frontend.stats().queued.count("t") == 0);  // two running, three waiting outside the queue
  std::vector<cluster::WorkResult> r1{answer(a[0], 1)}, r2{answer(b[0], 2)};
  int done = 2;
  while (done < 5) {
    auto next = f.frontend.poll("w1", std::move(r1), 1000);
    r1.clear();
    for (const auto& item : next) r1.push_back(answer(item, item.query.params.start));
    done += static_cast<int>(next.size());
  }
  (void)f.frontend.poll("w1", std::move(r1), 0);
  (void)f.frontend.poll("w2", std::move(r2), 0);
  client.join();
  REQUIRE(got.ok());
  CHECK(got->size() == 5);
}
