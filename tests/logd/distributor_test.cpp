#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include "logd/distributor.h"
#include "logd/rate_limiter.h"
#include "fake_ingester.h"

using logd::Distributor;
using logd_test::FakeIngester;

namespace {

constexpr int64_t kNow = 1700000000LL * 1000000000LL;

// The status logd's API answers for a push outcome.
int http_status(const util::Status& s) { return s.ok() ? 204 : util::http_status_of(s.code()); }

std::string json_push(const std::string& labels_json, const std::vector<std::pair<int64_t, std::string>>& values) {
  std::string out = R"({"streams":[{"stream":)" + labels_json + R"(,"values":[)";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += "[\"" + std::to_string(values[i].first) + "\",\"" + values[i].second + "\"]";
  }
  return out + "]}]}";
}

struct Fixture {
  FakeIngester ingester;
  logd::Metrics metrics;
  logd::LimitsConfig limits;
  util::FakeClock clock{kNow};
  std::unique_ptr<Distributor> make() {
    return std::make_unique<Distributor>(ingester, limits, metrics, clock);
  }
};

}  // namespace

TEST_CASE("distributor: a valid JSON push is ingested and answered 204") {
  Fixture f;
  auto d = f.make();
  auto out = d->push("t1", "application/json", "", json_push(R"({"app":"x"})", {{kNow, "a"}, {kNow, "b"}}));
  CHECK(out.ok());
  CHECK(f.ingester.entries("t1") == 2);
  CHECK(f.metrics.lines_received.value({"t1"}) == 2);
  CHECK(f.metrics.bytes_received.value({"t1"}) == 2);
}

TEST_CASE("distributor: content type, encoding and malformed bodies") {
  Fixture f;
  auto d = f.make();
  CHECK(http_status(d->push("t", "text/plain", "", "x")) == 415);
  CHECK(http_status(d->push("t", "application/json", "br", "{}")) == 400);
  auto bad = d->push("t", "application/json", "", "{\"streams\": [");
  CHECK(http_status(bad) == 400);
  CHECK_FALSE(bad.error().empty());
  CHECK(http_status(d->push("t", "application/x-protobuf", "", "\x7f\xff garbage")) == 400);
  // A snappy header claiming more than a push could ever be is refused before decoding.
  CHECK(http_status(d->push("t", "application/x-protobuf", "", "\xff\xff\xff garbage")) == 413);
  CHECK(http_status(d->push("t", "application/json", "", R"({"streams":[]})")) == 422);
  CHECK(f.ingester.pushes == 0);
}

TEST_CASE("distributor: a partially invalid request ingests the valid part and answers 400") {
  Fixture f;
  f.limits.push.max_line_size = 5;
  auto d = f.make();
  auto out = d->push("t", "application/json", "", json_push(R"({"app":"x"})", {{kNow, "ok"}, {kNow, "far too long"}}));
  CHECK(http_status(out) == 400);
  CHECK(out.error().find("Max entry size '5' bytes exceeded for stream '{app=\"x\"}'") != std::string::npos);
  CHECK(f.ingester.entries("t") == 1);
  CHECK(f.metrics.discarded_samples.value({"line_too_long", "t"}) == 1);
  CHECK(f.metrics.discarded_bytes.value({"line_too_long", "t"}) == 12);
}

TEST_CASE("distributor: per-tenant ingestion rate limit with burst, Loki's message") {
  Fixture f;
  f.limits.ingestion_rate_mb = 10.0 / (1024 * 1024);   // 10 bytes/s
  f.limits.ingestion_burst_size_mb = 20.0 / (1024 * 1024);  // 20 bytes of burst
  auto d = f.make();
  std::string line(15, 'a');
  CHECK(d->push("t", "application/json", "", json_push(R"({"app":"x"})", {{kNow, line}})).ok());
  auto out = d->push("t", "application/json", "", json_push(R"({"app":"x"})", {{kNow + 1, line}}));
  CHECK(http_status(out) == 429);
  CHECK(out.error() ==
        "Ingestion rate limit exceeded for user t (limit: 10 bytes/sec) while attempting to ingest '1' lines totaling "
        "'15' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased");
  CHECK(f.metrics.discarded_samples.value({"rate_limited", "t"}) == 1);
  // Other tenants have their own bucket; and tokens refill with time.
  CHECK(d->push("u", "application/json", "", json_push(R"({"app":"x"})", {{kNow, line}})).ok());
  f.clock.advance(2 * model::kNanosPerSecond);
  CHECK(d->push("t", "application/json", "", json_push(R"({"app":"x"})", {{kNow + 2, line}})).ok());
  CHECK(f.ingester.entries("t") == 2);
}

TEST_CASE("distributor: the global strategy's share divides the tenant's rate, not its burst") {
  Fixture f;
  f.limits.ingestion_rate_mb = 10.0 / (1024 * 1024);       // 10 bytes/s for the whole cluster
  f.limits.ingestion_burst_size_mb = 20.0 / (1024 * 1024);  // 20 bytes of burst per distributor
  auto d = f.make();
  d->set_ingestion_rate_share(0.5);  // two healthy distributors: 5 bytes/s here
  std::string line(15, 'a');
  auto push = [&](int64_t ts) {
    return http_status(d->push("t", "application/json", "", json_push(R"({"app":"x"})", {{ts, line}})));
  };
  CHECK(push(kNow) == 204);  // the burst
  CHECK(push(kNow + 1) == 429);
  f.clock.advance(model::kNanosPerSecond);
  CHECK(push(kNow + 2) == 429);  // 5 + 5 bytes: the full rate would have refilled 5 + 10
  f.clock.advance(model::kNanosPerSecond);
  CHECK(push(kNow + 3) == 204);  // 5 + 10 bytes
  d->set_ingestion_rate_share(1.0);  // the other distributor left
  f.clock.advance(model::kNanosPerSecond + model::kNanosPerSecond / 2);
  CHECK(push(kNow + 4) == 204);  // 0 + 15 bytes at the full rate
}

TEST_CASE("rate limiter: a push larger than the burst never passes; rate 0 is unlimited") {
  logd::RateLimiter limiter;
  CHECK_FALSE(limiter.allow("t", 51, 0, 100, 50));
  CHECK(limiter.allow("t", 50, 0, 100, 50));
  CHECK_FALSE(limiter.allow("t", 1, 0, 100, 50));
  CHECK(limiter.allow("t", 10, 100'000'000, 100, 50));  // 0.1s refills 10 bytes
  CHECK(limiter.allow("t", 1 << 30, 0, 0, 0));            // rate 0: unlimited
  // A lower burst (a reload) caps the tokens a bucket kept.
  CHECK(limiter.allow("u", 1, 0, 100, 50));
  CHECK_FALSE(limiter.allow("u", 20, 0, 100, 10));
  CHECK(limiter.allow("u", 10, 0, 100, 10));
}

TEST_CASE("distributor: max streams per tenant, Loki's message; known streams still accepted") {
  Fixture f;
  f.limits.max_global_streams_per_user = 1;
  auto d = f.make();
  CHECK(d->push("t", "application/json", "", json_push(R"({"app":"a"})", {{kNow, "1"}})).ok());
  auto out = d->push("t", "application/json", "",
                     R"({"streams":[{"stream":{"app":"a"},"values":[[")" + std::to_string(kNow + 1) +
                         R"(","2"]]},{"stream":{"app":"b"},"values":[[")" + std::to_string(kNow) + R"(","3"]]}]})");
  CHECK(http_status(out) == 429);
  CHECK(out.error() ==
        "Maximum active stream limit exceeded when trying to create stream {app=\"b\"}, reduce the number of active "
        "streams (reduce labels or reduce label values), or contact your Loki administrator to see if the limit can "
        "be increased, user: 't'");
  CHECK(f.ingester.entries("t") == 2);  // {app="a"} kept its new entry
  CHECK(f.metrics.discarded_samples.value({"stream_limit", "t"}) == 1);
  CHECK(d->push("other", "application/json", "", json_push(R"({"app":"b"})", {{kNow, "1"}})).ok());
}

TEST_CASE("distributor: at the stream limit, the known streams are refreshed at most once a second") {
  Fixture f;
  f.limits.max_global_streams_per_user = 1;
  auto d = f.make();
  auto push = [&](const char* app) {
    return http_status(d->push("t", "application/json", "", json_push(std::string(R"({"app":")") + app + "\"}",
                                                                       {{kNow, "1"}})));
  };
  CHECK(push("a") == 204);
  f.ingester.forget("t");     // {app="a"} was flushed away
  CHECK(push("b") == 204);    // at the limit: the first refresh finds room
  f.ingester.forget("t");
  CHECK(push("c") == 429);    // within a second of that refresh: the known set stands
  f.clock.advance(model::kNanosPerSecond);
  CHECK(push("c") == 204);    // a second later it is refreshed again
}

TEST_CASE("distributor: in a cluster, a stream new to one distributor sees the others' streams") {
  Fixture f;
  f.limits.max_global_streams_per_user = 2;
  auto first = f.make();
  auto second = f.make();  // another distributor in front of the same ingesters
  auto push = [&](Distributor& d, const char* app) {
    return http_status(d.push("t", "application/json", "", json_push(std::string(R"({"app":")") + app + "\"}",
                                                                       {{kNow, "1"}})));
  };
  CHECK(push(*first, "a") == 204);
  CHECK(push(*first, "b") == 204);
  SUBCASE("alone, the second does not know the first's streams: the limit is passed") {
    CHECK(push(*second, "c") == 204);
  }
  SUBCASE("shared: the second refreshes from the ingester before admitting a new stream") {
    second->set_stream_limit_shared(true);
    CHECK(push(*second, "c") == 429);
    CHECK(push(*second, "a") == 204);  // a stream the tenant has stays accepted
    CHECK(f.ingester.entries("t") == 3);
  }
}

TEST_CASE("distributor: repeated label sets within one request merge into one stream") {
  push::PushRequest r;
  r.streams.push_back({model::LabelSet{{"app", "x"}}, {{1, "a", {}}}});
  r.streams.push_back({model::LabelSet{{"app", "y"}}, {{2, "b", {}}}});
  r.streams.push_back({model::LabelSet{{"app", "x"}}, {{3, "c", {}}, {1, "a2", {}}}});
  logd::merge_repeated_streams(r);
  REQUIRE(r.streams.size() == 2);
  CHECK(r.streams[0].labels == model::LabelSet{{"app", "x"}});
  REQUIRE(r.streams[0].entries.size() == 3);
  CHECK(r.streams[0].entries[1].line == "c");
  CHECK(r.streams[0].entries[2].line == "a2");
  CHECK(r.streams[1].entries.size() == 1);
}

TEST_CASE("distributor: bodies are decoded only as far as a push could be accepted") {
  logd::LimitsConfig l;  // burst 6 MiB
  CHECK(logd::max_decoded_push_bytes(l) == 13u << 20);
  l.ingestion_burst_size_mb = 1;
  CHECK(logd::max_decoded_push_bytes(l) == 3u << 20);
  l.ingestion_burst_size_mb = 1000;
  CHECK(logd::max_decoded_push_bytes(l) == 100u << 20);  // Loki's max_recv_msg_size
  l.ingestion_rate_mb = 0;
  CHECK(logd::max_decoded_push_bytes(l) == 100u << 20);
  // A JSON body past the bound is 413 before it is parsed.
  Fixture f;
  f.limits.ingestion_burst_size_mb = 0.001;  // 1 KiB burst: bound 1 MiB + 2 KiB
  auto d = f.make();
  std::string big = json_push(R"({"app":"x"})", {{kNow, std::string(2 << 20, 'a')}});
  auto out = d->push("t1", "application/json", "", big);
  CHECK(http_status(out) == 413);
  CHECK(out.error().rfind("request body too large", 0) == 0);
}

namespace {

// An ingester whose first push waits until the test lets it go: a push admitted by the stream
// limit and still on its way to the ingester while another push looks.
class GatedIngester : public FakeIngester {
 public:
  util::Status push(const std::string& tenant, const std::vector<push::Stream>& streams) override {
    if (!gated_.exchange(true)) {
      entered.set_value();
      release.get_future().wait();
    }
    return FakeIngester::push(tenant, streams);
  }
  std::promise<void> entered, release;

 private:
  std::atomic<bool> gated_{false};
};

}  // namespace

TEST_CASE("distributor: the stream limit holds exactly while admitted pushes are in flight") {
  GatedIngester ingester;
  logd::Metrics metrics;
  logd::LimitsConfig limits;
  limits.max_global_streams_per_user = 2;
  util::FakeClock clock{kNow};
  Distributor d(ingester, limits, metrics, clock);
  auto entered = ingester.entered.get_future();
  std::thread first([&] {
    auto out = d.push("t", "application/json", "",
                      R"({"streams":[{"stream":{"app":"a"},"values":[[")" + std::to_string(kNow) +
                          R"(","1"]]},{"stream":{"app":"b"},"values":[[")" + std::to_string(kNow) + R"(","2"]]}]})");
    CHECK(http_status(out) == 204);
  });
  entered.wait();  // {a} and {b} admitted, not yet in the ingester
  // Past the refresh interval the limit re-reads the ingester, which does not list {a}, {b} yet.
  clock.advance(2 * model::kNanosPerSecond);
  auto third = d.push("t", "application/json", "", json_push(R"({"app":"c"})", {{kNow, "3"}}));
  CHECK(http_status(third) == 429);
  ingester.release.set_value();
  first.join();
  CHECK(ingester.series("t", {}, 0, 0).size() == 2);
  // Once applied, the admitted streams are what the refresh finds; a known stream still pushes.
  clock.advance(2 * model::kNanosPerSecond);
  CHECK(http_status(d.push("t", "application/json", "", json_push(R"({"app":"a"})", {{kNow + 1, "4"}}))) == 204);
  CHECK(http_status(d.push("t", "application/json", "", json_push(R"({"app":"d"})", {{kNow, "5"}}))) == 429);
}

TEST_CASE("distributor: each tenant's overrides apply, and a reload changes them for the next push") {
  FakeIngester ingester;
  logd::Metrics metrics;
  util::FakeClock clock{kNow};
  logd::LimitsConfig defaults;
  defaults.push.max_line_size = 10;
  defaults.max_global_streams_per_user = 1;
  auto limits = std::make_shared<logd::TenantLimits>(defaults);
  logd::TenantOverrides o;
  o["big"] = defaults;
  o["big"].push.max_line_size = 100;
  o["big"].max_global_streams_per_user = 5;
  limits->set_overrides(o);
  Distributor d(ingester, limits, metrics, clock);
  const std::string line20(20, 'x');
  // Line size: 20 bytes pass for "big" only.
  CHECK(http_status(d.push("small", "application/json", "", json_push(R"({"app":"a"})", {{kNow, line20}}))) == 400);
  CHECK(http_status(d.push("big", "application/json", "", json_push(R"({"app":"a"})", {{kNow, line20}}))) == 204);
  // Streams: "big" may open a second stream, "small" may not.
  CHECK(http_status(d.push("small", "application/json", "", json_push(R"({"app":"a"})", {{kNow, "1"}}))) == 204);
  CHECK(http_status(d.push("small", "application/json", "", json_push(R"({"app":"b"})", {{kNow, "1"}}))) == 429);
  CHECK(http_status(d.push("big", "application/json", "", json_push(R"({"app":"b"})", {{kNow, "1"}}))) == 204);
  // Rate: a reload gives "big" a 10-byte burst; its next 20-byte push is refused.
  o["big"].ingestion_rate_mb = 10.0 / (1024 * 1024);
  o["big"].ingestion_burst_size_mb = 10.0 / (1024 * 1024);
  limits->set_overrides(o);
  auto limited = d.push("big", "application/json", "", json_push(R"({"app":"a"})", {{kNow + 1, line20}}));
  CHECK(http_status(limited) == 429);
  CHECK(limited.error().find("(limit: 10 bytes/sec)") != std::string::npos);
  CHECK(http_status(d.push("small", "application/json", "", json_push(R"({"app":"a"})", {{kNow + 1, "ok"}}))) == 204);
}
