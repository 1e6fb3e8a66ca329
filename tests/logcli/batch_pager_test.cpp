#include <doctest/doctest.h>

#include "logcli/batch_pager.h"

using namespace logcli;

TEST_CASE("logcli batch: limit below the batch is one request of the limit") {
  BatchPager p(30, 1000, false, 0, 100);
  REQUIRE(p.more());
  CHECK(p.request_limit() == 30);
  REQUIRE(p.page_done(30, 1, 50).ok());  // a full page: done, as Loki's logcli stops there
  CHECK_FALSE(p.more());
}

TEST_CASE("logcli batch: backward paging moves the end to the last timestamp + 1ns") {
  BatchPager p(10, 4, false, 0, 1000);
  CHECK(p.request_limit() == 4);
  // Page 1: 4 entries printed, the last 2 share timestamp 500.
  REQUIRE(p.page_done(4, 2, 500).ok());
  CHECK(p.more());
  CHECK(p.end() == 501);
  CHECK(p.start() == 0);
  CHECK(p.request_limit() == 4);
  REQUIRE(p.page_done(4, 1, 300).ok());  // total 8
  // 2 entries still wanted plus the 1 the next page repeats.
  CHECK(p.request_limit() == 3);
  CHECK(p.end() == 301);
  REQUIRE(p.page_done(2, 1, 200).ok());
  CHECK(p.total() == 10);
  CHECK_FALSE(p.more());
}

TEST_CASE("logcli batch: forward paging moves the start; an empty page ends") {
  BatchPager p(0, 3, true, 10, 1000);  // limit 0: unlimited
  REQUIRE(p.page_done(3, 1, 40).ok());
  CHECK(p.start() == 40);
  CHECK(p.end() == 1000);
  CHECK(p.request_limit() == 3);
  CHECK(p.more());
  REQUIRE(p.page_done(0, 1, 40).ok());
  CHECK_FALSE(p.more());
}

TEST_CASE("logcli batch: an overlap as large as the batch is an error") {
  BatchPager p(100, 3, false, 0, 1000);
  auto s = p.page_done(3, 3, 500);
  CHECK_FALSE(s.ok());
  CHECK(s.error().find("--batch=4") != std::string::npos);
  CHECK_FALSE(p.more());
}
