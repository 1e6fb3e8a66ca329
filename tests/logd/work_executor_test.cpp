// The querier's side of the query-frontend (issue 10): a piece of a split query runs under its
// tenant's query_timeout, as a query sent to the querier directly does, so a piece that would
// outlive the timeout stops inside its evaluation and answers 504 instead of running on after
// the frontend gave up. Time is a clock that ticks once per reading: nothing sleeps.
#include <doctest/doctest.h>

#include <atomic>

#include "fake_ingester.h"
#include "logd/api.h"
#include "logd/work_executor.h"

namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kStart = 1'700'000'000 * kSec;

// Every reading moves time one millisecond on.
class TickingClock final : public util::Clock {
 public:
  int64_t now_ns() const override { return now_.fetch_add(1'000'000) + 1'000'000; }
  bool sleep_until(int64_t, std::stop_token) override { return true; }

 private:
  mutable std::atomic<int64_t> now_{kStart + 3600 * kSec};
};

struct Fixture {
  explicit Fixture(int64_t query_timeout)
      : querier(&ingester, nullptr),
        distributor(ingester, logd::LimitsConfig{}, metrics, clock),
        api(options(query_timeout), &querier, &distributor, nullptr, metrics, clock),
        executor(logd::make_work_executor(api, querier)) {
    push::Stream s;
    s.labels = model::LabelSet{{"app", "x"}};
    for (int i = 0; i < 200'000; ++i) s.entries.push_back({kStart + i * 10'000'000LL, "line", {}});
    REQUIRE(ingester.push("fake", {s}).ok());
  }
  static logd::ApiOptions options(int64_t query_timeout) {
    logd::LimitsConfig limits;
    limits.query_timeout = query_timeout;
    logd::ApiOptions o;
    o.limits = std::make_shared<const logd::TenantLimits>(limits);
    return o;
  }
  // A piece as the frontend sends it: a query reading every entry and keeping none.
  cluster::WorkResult run_piece() {
    cluster::WorkItem item;
    item.id = 7;
    item.is_query = true;
    item.query.query = R"(count_over_time({app="x"} |= "never there" [1h]))";
    item.query.params.start = kStart + 3600 * kSec;
    item.query.params.end = kStart + 3600 * kSec;
    item.query.params.instant = true;
    return executor(item);
  }
  TickingClock clock;
  logd_test::FakeIngester ingester;
  query::Querier querier;
  logd::Metrics metrics;
  logd::Distributor distributor;
  logd::Api api;
  cluster::WorkExecutor executor;
};

}  // namespace

TEST_CASE("frontend piece: a piece past its tenant's query_timeout stops inside evaluation with 504") {
  Fixture f(50'000'000);  // 50 ms: about fifty readings of the clock
  cluster::WorkResult r = f.run_piece();
  CHECK(r.id == 7);
  CHECK(r.error_status == 504);
  CHECK(r.error == "context deadline exceeded");
}

TEST_CASE("frontend piece: within query_timeout the same piece answers") {
  Fixture f(3600 * kSec);
  cluster::WorkResult r = f.run_piece();
  CHECK(r.error_status == 0);
  CHECK(r.error.empty());
}
