#include <doctest/doctest.h>

#include "model/time.h"

#include "golang/duration.h"

using namespace model;

TEST_CASE("parse_time accepts Loki's forms") {
  CHECK(*parse_time("2024-01-02T03:04:05Z") == 1704164645LL * kNanosPerSecond);
  CHECK(*parse_time("2024-01-02T03:04:05.5Z") == 1704164645LL * kNanosPerSecond + 500000000);
  CHECK(*parse_time("2024-01-02T05:04:05.000000001+02:00") == 1704164645LL * kNanosPerSecond + 1);
  CHECK(*parse_time("1704164645") == 1704164645LL * kNanosPerSecond);
  CHECK(*parse_time("1704164645.25") == 1704164645LL * kNanosPerSecond + 250000000);
  CHECK(*parse_time("1704164645123456789") == 1704164645123456789LL);
  CHECK(!parse_time("yesterday").ok());
  CHECK(!parse_time("2024-13-02T03:04:05Z").ok());
}

TEST_CASE("format_rfc3339nano trims the fraction like Go") {
  CHECK(format_rfc3339nano(1704164645LL * kNanosPerSecond) == "2024-01-02T03:04:05Z");
  CHECK(format_rfc3339nano(1704164645LL * kNanosPerSecond + 120000000) == "2024-01-02T03:04:05.12Z");
  CHECK(format_rfc3339nano(1) == "1970-01-01T00:00:00.000000001Z");
  CHECK(format_rfc3339nano(0, 3600) == "1970-01-01T01:00:00+01:00");
  CHECK(format_rfc3339nano(-1) == "1969-12-31T23:59:59.999999999Z");
}

TEST_CASE("durations: Go and Prometheus forms") {
  CHECK(*parse_duration("1h30m") == 90 * kNanosPerMinute);
  CHECK(*parse_duration("250ms") == 250 * kNanosPerMilli);
  CHECK(*parse_duration("1d") == kNanosPerDay);
  CHECK(*parse_duration("1w") == 7 * kNanosPerDay);
  CHECK(*parse_duration("1.5s") == 1500 * kNanosPerMilli);
  CHECK(*parse_duration("-5m") == -5 * kNanosPerMinute);
  CHECK(*parse_duration("10us") == 10000);
  CHECK(!parse_duration("5").ok());
  CHECK(!parse_duration("5x").ok());
  CHECK(!parse_duration("").ok());
  CHECK(format_duration_prometheus(90 * kNanosPerMinute) == "1h30m");
  CHECK(format_duration_prometheus(kNanosPerDay) == "1d");
  CHECK(format_duration_prometheus(14 * kNanosPerDay) == "2w");
  CHECK(format_duration_prometheus(250 * kNanosPerMilli) == "250ms");
  CHECK(format_duration_prometheus(0) == "0s");
  CHECK(golang::format_duration(kNanosPerHour) == "1h0m0s");
  CHECK(golang::format_duration(1500 * kNanosPerMilli) == "1.5s");
  CHECK(golang::format_duration(250 * kNanosPerMilli) == "250ms");
  CHECK(golang::format_duration(1500) == "1.5\xC2\xB5s");
}

TEST_CASE("byte sizes like go-humanize") {
  CHECK(*parse_bytes("20KB") == 20000);
  CHECK(*parse_bytes("20kib") == 20480);
  CHECK(*parse_bytes("1.5MiB") == 1572864);
  CHECK(*parse_bytes("42") == 42);
  CHECK(*parse_bytes("3 GB") == 3000000000ULL);
  CHECK(!parse_bytes("KB").ok());
  CHECK(!parse_bytes("12parsecs").ok());
  CHECK(format_bytes(20000) == "20kB");
  CHECK(format_bytes(1500000) == "1.5MB");
  CHECK(format_bytes(7) == "7B");
}

TEST_CASE("times at the ends of int64 parse and print as Go's do (1677 to 2262)") {
  CHECK(model::parse_time("-9223372036854775808").value() == INT64_MIN);
  CHECK(model::parse_time("9223372036854775807").value() == INT64_MAX);
  CHECK_FALSE(model::parse_time("9223372036854775808").ok());
  CHECK(model::parse_time("-9223372036.854775808").value() == INT64_MIN);
  CHECK_FALSE(model::parse_time("9223372036.854775808").ok());  // one past INT64_MAX, not a wrap
  CHECK_FALSE(model::parse_time("99999999999999999999.5").ok());
  CHECK(model::format_rfc3339nano(INT64_MIN) == "1677-09-21T00:12:43.145224192Z");
  CHECK(model::format_rfc3339(INT64_MIN) == "1677-09-21T00:12:43Z");  // it printed a 2262 date
  CHECK(model::format_rfc3339(INT64_MAX) == "2262-04-11T23:47:16Z");
  CHECK(model::format_rfc3339(-1) == "1969-12-31T23:59:59Z");
  CHECK(golang::format_duration(INT64_MAX) == "2562047h47m16.854775807s");
}
