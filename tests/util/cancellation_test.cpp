#include <doctest/doctest.h>

#include <atomic>

#include "util/cancellation.h"
#include "util/clock.h"

TEST_CASE("Cancellation: the deadline is read from the clock at each check, and sticks") {
  util::FakeClock clock(1000);
  util::Cancellation c(clock, 2000);
  CHECK(c.check().ok());
  CHECK_FALSE(c.stopped());
  clock.set(1999);
  CHECK(c.check().ok());
  clock.set(2000);
  CHECK(c.status().ok());  // status() does not look at the clock
  auto st = c.check();
  CHECK(st.code() == util::ErrorCode::kDeadlineExceeded);
  CHECK(st.error() == "context deadline exceeded");
  CHECK(c.stopped());
  clock.set(0);  // a stopped query stays stopped
  CHECK(c.check().code() == util::ErrorCode::kDeadlineExceeded);
  CHECK(util::http_status_of(c.status().code()) == 504);
}

TEST_CASE("Cancellation: cancel() and a probe that says the caller is gone") {
  util::FakeClock clock(0);
  util::Cancellation no_deadline(clock, 0);
  clock.set(INT64_MAX);
  CHECK(no_deadline.check().ok());
  no_deadline.cancel();
  CHECK(no_deadline.check().code() == util::ErrorCode::kCancelled);
  CHECK(no_deadline.check().error() == "context canceled");

  std::atomic<bool> gone{false};
  util::Cancellation probed;
  probed.set_probe([&] { return gone.load(); });
  CHECK(probed.check().ok());
  gone = true;
  CHECK_FALSE(probed.stopped());  // only check() asks the probe
  CHECK(probed.check().code() == util::ErrorCode::kCancelled);
  CHECK(util::http_status_of(probed.status().code()) == 499);
}

TEST_CASE("CheckInterval: due every N units, or sooner after enough bytes") {
  util::CheckInterval every4(4, 100);
  int due = 0;
  for (int i = 0; i < 12; ++i) due += every4.due(1);
  CHECK(due == 3);
  util::CheckInterval by_bytes(1000, 100);
  CHECK_FALSE(by_bytes.due(60));
  CHECK(by_bytes.due(60));  // 120 bytes since the last check
  CHECK_FALSE(by_bytes.due(10));
}
