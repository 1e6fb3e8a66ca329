#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deletion/delete_filter_source.h"
#include "deletion/remote_delete_requests.h"
#include "logql/eval/memory_source.h"
#include "logql/parser.h"
#include "util/clock.h"

using deletion::RemoteDeleteRequests;
using deletion::RemoteDeleteRequestsOptions;

namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kMs = 1'000'000;

// What Loki's compactor answers for GET /loki/api/v1/delete (shape from Loki's API docs).
const char* kList = R"([
  {"request_id":"8a6ec1f0","start_time":1700000000,"end_time":1700000100.25,
   "query":"{app=\"a\"} |= \"secret\"","status":"received","created_at":1700000200.5},
  {"request_id":"77c2d1e4","start_time":1699990000.001,"end_time":1699999999,
   "query":"{app=\"b\"}","status":"processed","created_at":1700000000}
])";

// A fake compactor: answers what `body` holds (or fails), and counts the calls.
struct FakeCompactor {
  std::string body = kList;
  bool down = false;
  int calls = 0;
  std::vector<std::string> tenants;
  RemoteDeleteRequests::Fetch fetch() {
    return [this](const std::string& tenant) -> util::Result<std::string> {
      ++calls;
      tenants.push_back(tenant);
      if (down) return util::unavailable("connection refused");
      return body;
    };
  }
};

RemoteDeleteRequestsOptions options() {
  RemoteDeleteRequestsOptions o;
  o.compactor_address = "http://127.0.0.1:1";
  o.refresh = 10 * kSec;
  return o;
}

}  // namespace

TEST_CASE("remote deletes: the compactor's list is parsed with millisecond times and compiled queries") {
  auto list = deletion::parse_delete_list(kList);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].start == 1700000000 * kSec);
  CHECK((*list)[0].end == 1700000100 * kSec + 250 * kMs);
  CHECK((*list)[1].start == 1699990000 * kSec + 1 * kMs);
  CHECK((*list)[0].query->selects(model::LabelSet{{"app", "a"}}));
  CHECK((*list)[0].query->matches_line("a secret"));
  CHECK_FALSE((*list)[0].query->matches_line("public"));
  CHECK(deletion::parse_delete_list("[]")->empty());
  for (const char* bad : {"{}", "not json", R"([{"start_time":1,"end_time":2}])",
                          R"([{"query":"{app=\"a\"}","start_time":"x","end_time":2}])",
                          R"([{"query":"{app=\"a\"} | json","start_time":1,"end_time":2}])"}) {
    CAPTURE(bad);
    CHECK_FALSE(deletion::parse_delete_list(bad).ok());
  }
}

TEST_CASE("remote deletes: a list is kept for the refresh period, per tenant") {
  util::FakeClock clock;
  FakeCompactor compactor;
  RemoteDeleteRequests remote(options(), clock, compactor.fetch());
  REQUIRE(remote.active_deletes("t1").ok());
  REQUIRE(remote.active_deletes("t1").ok());
  CHECK(compactor.calls == 1);
  REQUIRE(remote.active_deletes("t2").ok());
  CHECK(compactor.calls == 2);
  CHECK(compactor.tenants == std::vector<std::string>{"t1", "t2"});
  clock.advance(10 * kSec);
  compactor.body = "[]";
  auto again = remote.active_deletes("t1");
  REQUIRE(again.ok());
  CHECK(compactor.calls == 3);
  CHECK(again->empty());
  // A forwarded delete makes the next query ask at once.
  compactor.body = kList;
  remote.invalidate("t1");
  CHECK(remote.active_deletes("t1")->size() == 2);
  CHECK(compactor.calls == 4);
}

TEST_CASE("remote deletes: a failed refresh keeps the last good list; with none, the query fails") {
  util::FakeClock clock;
  FakeCompactor compactor;
  compactor.down = true;
  RemoteDeleteRequests remote(options(), clock, compactor.fetch());
  auto none = remote.active_deletes("t1");
  REQUIRE_FALSE(none.ok());
  CHECK(none.status_error().code == util::ErrorCode::kUnavailable);
  CHECK(none.error().find("connection refused") != std::string::npos);
  CHECK(remote.failed_refreshes() == 1);

  compactor.down = false;
  REQUIRE(remote.active_deletes("t1")->size() == 2);
  compactor.down = true;
  clock.advance(11 * kSec);
  auto stale = remote.active_deletes("t1");
  REQUIRE(stale.ok());
  CHECK(stale->size() == 2);
  CHECK(remote.failed_refreshes() == 2);
  // The failure is not retried by every query: the next ask waits another refresh period.
  const int calls = compactor.calls;
  REQUIRE(remote.active_deletes("t1").ok());
  CHECK(compactor.calls == calls);
  // A malformed answer counts as a failure too.
  compactor.down = false;
  compactor.body = "{";
  clock.advance(11 * kSec);
  CHECK(remote.active_deletes("t1")->size() == 2);
  CHECK(remote.failed_refreshes() == 3);
}

TEST_CASE("remote deletes: filter_deleted hides what the compactor's requests delete, and fails without a list") {
  util::FakeClock clock;
  FakeCompactor compactor;
  const int64_t t0 = 1700000000 * kSec;
  auto make_source = [&] {
    auto mem = std::make_unique<logql::MemorySource>();
    mem->append(model::LabelSet{{"app", "a"}}, model::Entry{t0 + 1 * kSec, "keep", {}});
    mem->append(model::LabelSet{{"app", "a"}}, model::Entry{t0 + 2 * kSec, "secret", {}});
    mem->append(model::LabelSet{{"app", "a"}}, model::Entry{t0 + 200 * kSec, "secret later", {}});
    return mem;
  };
  logql::SelectParams p;
  p.matchers = *logql::parse_matchers(R"({app="a"})");
  p.start = t0;
  p.end = t0 + 1000 * kSec;

  RemoteDeleteRequests remote(options(), clock, compactor.fetch());
  auto source = deletion::filter_deleted(make_source(), remote, "t1");
  auto it = source->select(p);
  REQUIRE(it.ok());
  std::vector<std::string> lines;
  while ((*it)->next()) lines.push_back((*it)->entry().line);
  CHECK(lines == std::vector<std::string>{"keep", "secret later"});

  compactor.down = true;
  RemoteDeleteRequests unreachable(options(), clock, compactor.fetch());
  auto failing = deletion::filter_deleted(make_source(), unreachable, "t1");
  auto err = failing->select(p);
  REQUIRE_FALSE(err.ok());
  CHECK(err.status_error().code == util::ErrorCode::kUnavailable);
}
