// Limits the evaluation enforces as it goes (issue 10): query_timeout and a client that hangs up
// stop a query inside its loops, its templates and the store's readers; the series limit and the
// result byte limit stop it before the memory is spent. Time is a clock that ticks once per
// reading, so "the deadline passes after N checks" is exact and nothing sleeps.
#include <doctest/doctest.h>

#include <atomic>

#include "logql/eval/memory_source.h"
#include "query/executor.h"
#include "../store/store_test_util.h"
#include "util/cancellation.h"
#include "util/clock.h"

using model::LabelSet;

namespace {

constexpr int64_t kSec = 1'000'000'000;

// Every reading moves time one millisecond on.
class TickingClock final : public util::Clock {
 public:
  int64_t now_ns() const override { return now_.fetch_add(1'000'000) + 1'000'000; }
  bool sleep_until(int64_t, std::stop_token) override { return true; }
  int64_t readings() const { return now_.load() / 1'000'000; }

 private:
  mutable std::atomic<int64_t> now_{0};
};

// Counts the entries a query pulls out of a source.
class CountingSource : public logql::LogSource {
 public:
  explicit CountingSource(logql::LogSource& inner, std::atomic<uint64_t>& read) : inner_(inner), read_(read) {}
  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& p) override {
    auto it = inner_.select(p);
    if (!it.ok()) return it;
    return std::unique_ptr<logql::EntryIterator>(std::make_unique<Counting>(std::move(*it), read_));
  }

 private:
  class Counting : public logql::EntryIterator {
   public:
    Counting(std::unique_ptr<logql::EntryIterator> in, std::atomic<uint64_t>& read) : in_(std::move(in)), read_(read) {}
    bool next() override {
      if (!in_->next()) return false;
      ++read_;
      return true;
    }
    const model::LabelSet& labels() const override { return in_->labels(); }
    const model::Entry& entry() const override { return in_->entry(); }
    util::Status status() const override { return in_->status(); }

   private:
    std::unique_ptr<logql::EntryIterator> in_;
    std::atomic<uint64_t>& read_;
  };
  logql::LogSource& inner_;
  std::atomic<uint64_t>& read_;
};

// An outcome as the HTTP edge answers it: the status of its error's code (200 when it is ok).
struct Ran {
  int status = 200;
  std::string error;
  logql::QueryResult result;
};

struct Fixture {
  logql::MemorySource mem;
  std::atomic<uint64_t> read{0};
  Ran run(const std::string& q, logql::QueryParams p, query::Limits limits = {},
          const util::Cancellation* cancel = nullptr) {
    query::Outcome out = query::execute(q, p, [&]() -> util::Result<std::unique_ptr<logql::LogSource>> {
      return std::unique_ptr<logql::LogSource>(std::make_unique<CountingSource>(mem, read));
    }, limits, cancel);
    Ran r;
    if (!out.status.ok()) {
      r.status = util::http_status_of(out.status.code());
      r.error = out.status.error();
    }
    r.result = std::move(out.result);
    return r;
  }
};

logql::QueryParams range(int64_t start, int64_t end, int64_t step = 0, uint32_t limit = 100) {
  logql::QueryParams p;
  p.start = start;
  p.end = end;
  p.step = step;
  p.limit = limit;
  return p;
}

}  // namespace

TEST_CASE("query limits: the deadline stops a query that reads on without returning anything") {
  Fixture f;
  for (int i = 0; i < 200'000; ++i) f.mem.append({{"app", "x"}}, {i * 1000, "line " + std::to_string(i), {}});
  TickingClock clock;
  util::Cancellation cancel(clock, 10'000'000);  // after about ten readings
  auto out = f.run(R"({app="x"} |= "never there")", range(0, 300 * kSec), {}, &cancel);
  CHECK(out.status == 504);
  CHECK(out.error == "context deadline exceeded");
  CHECK(f.read < 20'000);  // checked every 1024 entries, not at the end
}

TEST_CASE("query limits: the deadline reaches into a template that loops on one entry") {
  Fixture f;
  for (int i = 0; i < 50; ++i) f.mem.append({{"app", "x"}}, {i * kSec, "l", {}});
  TickingClock clock;
  util::Cancellation cancel(clock, 5'000'000);
  query::Limits limits;
  limits.templates.max_steps = 1'000'000;
  auto out = f.run(R"({app="x"} | line_format "{{range 900000}}{{end}}")", range(0, 100 * kSec, 0, 1000), limits,
                   &cancel);
  CHECK(out.status == 504);
  CHECK(f.read < 5);  // the first entry's template ran into the deadline; a few more failed at once
}

TEST_CASE("query limits: a client that hangs up cancels its query") {
  Fixture f;
  for (int i = 0; i < 100'000; ++i) f.mem.append({{"app", "x"}}, {i * 1000, "line", {}});
  std::atomic<int> probes{0};
  util::Cancellation cancel;
  cancel.set_probe([&] { return ++probes > 3; });
  auto out = f.run(R"(count_over_time({app="x"} |= "zzz" [1h]))", range(0, 100 * kSec, 10 * kSec), {}, &cancel);
  CHECK(out.status == 499);
  CHECK(out.error == "context canceled");
  CHECK(f.read < 100'000);
}

TEST_CASE("query limits: max_query_series stops a metric query at the first step past it") {
  Fixture f;
  // 2,000 series, each with a point every 10 s over 1000 s: the first step's window holds them all.
  for (int s = 0; s < 2000; ++s) {
    for (int i = 0; i < 100; ++i) f.mem.append({{"app", "x"}, {"id", std::to_string(s)}}, {i * 10 * kSec, "l", {}});
  }
  query::Limits limits;
  limits.max_query_series = 500;
  limits.max_concurrent = 1;
  auto out = f.run(R"(sum by (id) (count_over_time({app="x"}[1m])))", range(60 * kSec, 1000 * kSec, 10 * kSec), limits);
  CHECK(out.status == 400);
  CHECK(out.error.rfind("maximum number of series (500) reached for a single query", 0) == 0);
  CHECK(f.read < 200'000 / 10);  // the first window only, not the whole range
  auto instant = f.run(R"(sum by (id) (count_over_time({app="x"}[1m])))", [] {
    auto p = range(60 * kSec, 60 * kSec);
    p.instant = true;
    return p;
  }(), limits);
  CHECK(instant.status == 400);
}

TEST_CASE("query limits: max_query_series stops as series appear, inside the first step") {
  Fixture f;
  // 2,000 series with one entry each at 30 s: every series appears in the first step's window.
  // Stopping at the step read all 2,000 entries and built 2,000 series first; stopping as they
  // appear reads the 501st and no further.
  for (int s = 0; s < 2000; ++s) f.mem.append({{"app", "x"}, {"id", std::to_string(s)}, {"n", std::to_string(s % 3)}}, {30 * kSec, "l", {}});
  query::Limits limits;
  limits.max_query_series = 500;
  limits.max_concurrent = 1;
  const auto steps = range(60 * kSec, 120 * kSec, 60 * kSec);
  for (const char* q : {R"(sum by (id) (count_over_time({app="x"}[1m])))",  // grouping pushed down
                        R"(count_over_time({app="x"}[1m]))",                  // the range aggregation's own
                        R"(max by (id) (count_over_time({app="x"}[1m])))",    // grouped by the vector aggregation
                        R"(sum by (id) (count by (id, n) (rate({app="x"}[1m]))))"}) {
    CAPTURE(q);
    f.read = 0;
    auto out = f.run(q, steps, limits);
    CHECK(out.status == 400);
    CHECK(out.error.rfind("maximum number of series (500) reached for a single query", 0) == 0);
    CHECK(f.read == 501);
  }
  // Series that the aggregation folds into few are not the result's: these have 3 and 1.
  for (const char* q : {R"(sum by (n) (count_over_time({app="x"}[1m])))", R"(max by (n) (count_over_time({app="x"}[1m])))",
                        R"(sum(count by (id) (count_over_time({app="x"}[1m]))))",
                        R"(topk(3, count_over_time({app="x"}[1m])))"}) {
    CAPTURE(q);
    auto out = f.run(q, steps, limits);
    CHECK(out.status == 200);
  }
  // Where the result's series cannot be told as they appear (a binary operation), the check at
  // each step still holds.
  auto out = f.run(R"(count_over_time({app="x"}[1m]) * 2)", steps, limits);
  CHECK(out.status == 400);
}

TEST_CASE("query limits: max_query_result_bytes bounds what a result holds, lines and points") {
  Fixture f;
  for (int i = 0; i < 5000; ++i) f.mem.append({{"app", "x"}}, {i * 1000, std::string(1000, 'a'), {}});
  query::Limits limits;
  limits.max_query_result_bytes = 100'000;
  auto out = f.run(R"({app="x"} | line_format "{{__line__}}")", range(0, 100 * kSec, 0, 5000), limits);
  CHECK(out.status == 413);
  CHECK(out.error.find("max_query_result_bytes") != std::string::npos);
  CHECK(f.read < 200);  // stopped as soon as it was over, not after reading the limit's worth
  f.read = 0;
  auto small = f.run(R"({app="x"})", range(0, 100 * kSec, 0, 50), limits);
  CHECK(small.status == 200);
  limits.max_query_result_bytes = 2000;
  limits.max_concurrent = 1;
  auto metric = f.run(R"(count_over_time({app="x"}[1s]))", range(1'000'000, 5'000'000, 10'000), limits);
  CHECK(metric.status == 413);
}

TEST_CASE("query limits: the store reader checks the deadline between blocks it skips") {
  store_test::TempDir dir;
  store_test::TestStore s(dir.path);
  // Many small blocks, none holding the needle: no entry ever reaches the engine.
  std::vector<model::Entry> entries;
  for (int i = 0; i < 20'000; ++i) entries.push_back(store_test::E(store_test::kDay0 + i, "line " + std::to_string(i)));
  std::vector<store::FlushedChunk> batch;
  batch.push_back(store_test::make_chunk("fake", {{"app", "x"}}, entries, 1024));
  REQUIRE(s->write_chunks("fake", std::move(batch)).ok());
  TickingClock clock;
  util::Cancellation cancel(clock, 20'000'000);
  auto out = query::execute(R"({app="x"} |= "never there")",
                            range(store_test::kDay0, store_test::kDay0 + 30'000), [&] { return s->source("fake"); },
                            {}, &cancel);
  CHECK(out.status.code() == util::ErrorCode::kDeadlineExceeded);  // it used to answer 200 with nothing
  CHECK(clock.readings() < 100);
}

TEST_CASE("query limits: step loops at the ends of int64 end, and spans saturate as Go's do") {
  Fixture f;
  f.mem.append({{"app", "x"}}, {INT64_MAX - 5, "late", {}});
  query::Limits limits;
  limits.max_concurrent = 1;
  // These looped for ever: the step time wrapped around past INT64_MAX.
  for (const char* q : {"1", "vector(1)", R"(count_over_time({app="x"}[1m]))"}) {
    CAPTURE(q);
    auto out = f.run(q, range(INT64_MAX - 800, INT64_MAX, 100), limits);
    REQUIRE(out.status == 200);
    REQUIRE(out.result.matrix.size() == 1);
    CHECK(out.result.matrix[0].points.back().t == INT64_MAX);
  }
  logql::QueryParams at_min = range(INT64_MIN, INT64_MIN);
  at_min.instant = true;
  auto instant = f.run(R"(count_over_time({app="x"}[1m] offset 1h))", at_min, limits);
  CHECK(instant.status == 200);
  CHECK(instant.result.vector.empty());
  limits.max_query_length = 721 * 3600 * kSec;
  auto too_long = f.run(R"({app="x"})", range(INT64_MIN, 0), limits);
  CHECK(too_long.status == 400);
  CHECK(too_long.error.find("query length: 2562047h47m16.854775807s") != std::string::npos);
}
