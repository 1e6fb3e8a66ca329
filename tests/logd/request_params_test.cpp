#include <doctest/doctest.h>

#include "logd/request_params.h"

namespace {

http::Params params(std::initializer_list<std::pair<const char*, const char*>> kv) {
  http::Params p;
  for (const auto& [k, v] : kv) p.emplace(k, v);
  return p;
}

constexpr int64_t kNow = 1700000000LL * 1000000000LL;

}  // namespace

TEST_CASE("request params: limit converts as Loki's uint32(limit) does") {
  auto q = logd::parse_range_query(params({{"query", "{a=\"b\"}"}, {"limit", "999999999999"}}), kNow);
  REQUIRE(q.ok());
  CHECK(q->params.limit == 3567587327u);  // was clamped to 4294967295, which Loki never reports
  CHECK_FALSE(q->limit_wrapped_to_zero);
  auto zero = logd::parse_range_query(params({{"query", "{a=\"b\"}"}, {"limit", "4294967296"}}), kNow);
  REQUIRE(zero.ok());
  CHECK(zero->params.limit == 0);
  CHECK(zero->limit_wrapped_to_zero);
  CHECK(logd::parse_range_query(params({{"limit", "0"}}), kNow).error() == "limit must be a positive value");
  CHECK(logd::parse_range_query(params({{"limit", "-4294967296"}}), kNow).error() == "limit must be a positive value");
}

TEST_CASE("request params: times at the ends of int64 are accepted, spans computed without wrapping") {
  auto q = logd::parse_range_query(
      params({{"query", "{a=\"b\"}"}, {"start", "-9223372036854775808"}, {"end", "0"}, {"step", "1000000000"}}), kNow);
  // Loki accepts the time; the span, 292 years in steps of 10^9 s, is within the point limit.
  REQUIRE(q.ok());
  CHECK(q->params.start == INT64_MIN);
  // A span past the point limit is refused even when end - start overflows int64.
  auto wide = logd::parse_range_query(params({{"start", "-9223372036854775808"}, {"end", "9223372036854775807"},
                                              {"step", "1"}}),
                                      kNow);
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.error().find("exceeded maximum resolution") != std::string::npos);
  auto instant = logd::parse_instant_query(params({{"time", "-9223372036854775808"}}), kNow);
  REQUIRE(instant.ok());
  CHECK(instant->params.start == INT64_MIN);
}

TEST_CASE("request params: volume parameters, defaults and bad input") {
  auto v = logd::parse_volume_request(params({{"query", "{job=\"foo\"}"}}), kNow, false);
  REQUIRE(v.ok());
  CHECK(v->start == kNow - 3600LL * 1000000000LL);
  CHECK(v->end == kNow);
  CHECK(v->limit == 100);
  CHECK(v->step == 0);
  CHECK(v->aggregate_by == query::VolumeAggregation::kSeries);
  REQUIRE(v->matchers.size() == 1);

  auto all = logd::parse_volume_request(params({{"query", " {} "}, {"targetLabels", "team, job"},
                                                {"aggregateBy", "labels"}, {"limit", "5"}}),
                                        kNow, false);
  REQUIRE(all.ok());
  CHECK(all->matchers.empty());
  CHECK(all->target_labels == std::vector<std::string>{"team", "job"});
  CHECK(all->aggregate_by == query::VolumeAggregation::kLabels);
  CHECK(all->limit == 5);

  auto range = logd::parse_volume_request(params({{"query", "{a=\"b\"}"}, {"step", "1m"}}), kNow, true);
  REQUIRE(range.ok());
  CHECK(range->step == 60LL * 1000000000LL);

  CHECK(logd::parse_volume_request(params({{"query", "foo"}}), kNow, false).error().find(
            "volume needs a stream selector: parse error") == 0);
  CHECK(logd::parse_volume_request(params({{"query", "rate({a=\"b\"}[1m])"}}), kNow, false).error().find(
            "volume needs a stream selector") == 0);
  CHECK_FALSE(logd::parse_volume_request(params({}), kNow, false).ok());
  CHECK(logd::parse_volume_request(params({{"query", "{a=\"b\"}"}, {"limit", "0"}}), kNow, false).error() ==
        "invalid limit \"0\": a positive integer is required");
  CHECK(logd::parse_volume_request(params({{"query", "{a=\"b\"}"}, {"aggregateBy", "pods"}}), kNow, false).error() ==
        "invalid aggregateBy \"pods\": it must be series or labels");
  CHECK(logd::parse_volume_request(params({{"query", "{a=\"b\"}"}, {"targetLabels", "ok,1bad"}}), kNow, false)
            .error() == "invalid targetLabels: \"1bad\" is not a valid label name");
  CHECK(logd::parse_volume_request(params({{"query", "{a=\"b\"}"}, {"step", "-1s"}}), kNow, true).error() ==
        "zero or negative query resolution step widths are not accepted. Try a positive integer");
  CHECK(logd::parse_volume_request(params({{"query", "{a=\"b\"}"}, {"step", "soon"}}), kNow, true).error().find(
            "invalid step: ") == 0);
  auto backwards = logd::parse_volume_request(
      params({{"query", "{a=\"b\"}"}, {"start", "1700000100"}, {"end", "1700000000"}}), kNow, false);
  REQUIRE_FALSE(backwards.ok());
  CHECK(backwards.code() == util::ErrorCode::kInvalidArgument);
}

TEST_CASE("request params: detected fields parameters, defaults and bad input") {
  auto r = logd::parse_detected_fields_request(params({{"query", "{app=\"api\"} |= \"x\""}}), kNow);
  REQUIRE(r.ok());
  CHECK(r->line_limit == 1000);
  CHECK(r->limit == 1000);
  CHECK(r->end == kNow);
  CHECK(r->start == kNow - 3600LL * 1000000000LL);
  auto l = logd::parse_detected_fields_request(
      params({{"query", "{app=\"api\"}"}, {"line_limit", "50"}, {"limit", "3"}}), kNow);
  REQUIRE(l.ok());
  CHECK(l->line_limit == 50);
  CHECK(l->limit == 3);
  CHECK_FALSE(logd::parse_detected_fields_request(params({}), kNow).ok());
  CHECK(logd::parse_detected_fields_request(params({{"query", "app"}}), kNow).error().find("parse error") == 0);
  CHECK(logd::parse_detected_fields_request(params({{"query", "count_over_time({a=\"b\"}[1m])"}}), kNow).error() ==
        "detected fields need a log query (a stream selector with optional filters), not a metric query");
  CHECK(logd::parse_detected_fields_request(params({{"query", "{a=\"b\"}"}, {"line_limit", "0"}}), kNow).error() ==
        "invalid line_limit \"0\": a positive integer is required");
  CHECK(logd::parse_detected_fields_request(params({{"query", "{a=\"b\"}"}, {"limit", "x"}}), kNow).error() ==
        "invalid limit \"x\": a positive integer is required");
  CHECK_FALSE(logd::parse_detected_fields_request(
                  params({{"query", "{a=\"b\"}"}, {"start", "1700000100"}, {"end", "1700000000"}}), kNow)
                  .ok());
}
