#include <doctest/doctest.h>

#include "client/backoff.h"

using model::kNanosPerMilli;

TEST_CASE("client backoff: delays double from min_period with jitter, capped at max_period") {
  client::BackoffConfig config;  // Promtail's defaults: 500ms, 5m, 10 retries
  CHECK(config.min_period == 500 * kNanosPerMilli);
  CHECK(config.max_retries == 10);
  client::Backoff b(config, 42);
  int64_t low = config.min_period;
  for (int i = 0; i < 20; ++i) {
    int64_t d = b.next_delay();
    int64_t high = std::min(low * 2, config.max_period);
    CHECK(d >= low);
    if (low < config.max_period) CHECK(d < high);
    else CHECK(d == config.max_period);
    low = std::min(low * 2, config.max_period);
  }
}

TEST_CASE("client backoff: ongoing until max_retries, forever when 0") {
  client::BackoffConfig config;
  config.max_retries = 3;
  client::Backoff b(config, 1);
  CHECK(b.ongoing());
  b.next_delay();
  b.next_delay();
  CHECK(b.ongoing());
  b.next_delay();
  CHECK_FALSE(b.ongoing());
  CHECK(b.retries() == 3);

  config.max_retries = 0;
  client::Backoff forever(config, 1);
  for (int i = 0; i < 100; ++i) forever.next_delay();
  CHECK(forever.ongoing());
}

TEST_CASE("client backoff: min_period >= max_period always waits max_period") {
  client::BackoffConfig config;
  config.min_period = config.max_period = 100 * kNanosPerMilli;
  client::Backoff b(config, 7);
  CHECK(b.next_delay() == 100 * kNanosPerMilli);
  CHECK(b.next_delay() == 100 * kNanosPerMilli);
}
