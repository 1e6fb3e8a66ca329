#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "util/clock.h"

TEST_CASE("FakeClock: a sleeper wakes only when time reaches its deadline") {
  util::FakeClock clock(1000);
  std::atomic<int> woke{0};
  std::stop_source stop;
  std::thread sleeper([&] {
    if (clock.sleep_until(1500, stop.get_token())) woke = 1;
  });
  REQUIRE(clock.wait_for_sleepers(1));
  clock.advance(499);
  CHECK(clock.sleepers() == 1);  // 1499 < 1500: still asleep
  CHECK(woke == 0);
  clock.advance(1);
  sleeper.join();
  CHECK(woke == 1);
  CHECK(clock.now_ns() == 1500);
}

TEST_CASE("FakeClock: a stop request ends a sleep with false") {
  util::FakeClock clock(0);
  std::stop_source stop;
  std::atomic<int> result{-1};
  std::thread sleeper([&] { result = clock.sleep_for(1'000'000, stop.get_token()) ? 1 : 0; });
  REQUIRE(clock.wait_for_sleepers(1));
  stop.request_stop();
  sleeper.join();
  CHECK(result == 0);
}

TEST_CASE("system clock: a stop request interrupts a long sleep") {
  std::stop_source stop;
  std::atomic<int> result{-1};
  auto& clock = util::system_clock();
  std::thread sleeper([&] { result = clock.sleep_for(3600LL * 1'000'000'000, stop.get_token()) ? 1 : 0; });
  stop.request_stop();
  sleeper.join();
  CHECK(result == 0);
  CHECK(clock.sleep_for(1, std::stop_token{}));  // a deadline already passed returns at once
}
