#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "ruler/group_scheduler.h"

namespace {

constexpr int64_t kS = 1'000'000'000;

// Records evaluation ticks; can hold evaluations until released.
struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int64_t> ticks;
  bool hold = false;
  int running = 0;

  void eval(int64_t tick) {
    std::unique_lock lock(mu);
    ++running;
    cv.notify_all();
    cv.wait(lock, [&] { return !hold; });
    ticks.push_back(tick);
    --running;
    cv.notify_all();
  }
  bool wait_ticks(size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return ticks.size() >= n; });
  }
  bool wait_running() {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return running > 0; });
  }
  void release() {
    std::lock_guard lock(mu);
    hold = false;
    cv.notify_all();
  }
};

// Waits (real time, bounded) until the scheduler has counted `n` missed ticks of group "g".
bool missed_reaches(const ruler::GroupScheduler& s, uint64_t n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (s.counters("g").missed < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

// Waits until `n` evaluations of a group have finished (the group is idle again), so that the
// next tick finds it free.
bool iterations_reach(const ruler::GroupScheduler& s, uint64_t n, const std::string& key = "g") {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (s.counters(key).iterations < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace

TEST_CASE("group scheduler: ticks are aligned to the interval plus a per-group offset") {
  int64_t t = ruler::GroupScheduler::first_tick("a", 10 * kS, 1000 * kS + 3);
  CHECK(t >= 1000 * kS + 3);
  CHECK(t < 1010 * kS + 3);
  CHECK(ruler::GroupScheduler::first_tick("a", 10 * kS, t) == t);
  CHECK(ruler::GroupScheduler::first_tick("a", 10 * kS, t + 1) == t + 10 * kS);
  CHECK((ruler::GroupScheduler::first_tick("a", 10 * kS, t + 1) - t) % (10 * kS) == 0);
}

TEST_CASE("group scheduler: evaluates at each tick on the fake clock, and counts missed iterations") {
  util::FakeClock clock(1000 * kS);
  ruler::GroupScheduler s(clock, 2);
  Recorder r;
  s.upsert({"g", 10 * kS, [&](int64_t tick) { r.eval(tick); }});
  int64_t first = ruler::GroupScheduler::first_tick("g", 10 * kS, 1000 * kS);
  s.start();

  REQUIRE(clock.wait_for_sleepers(1));
  clock.set(first);
  REQUIRE(r.wait_ticks(1));
  CHECK(r.ticks[0] == first);
  REQUIRE(iterations_reach(s, 1));

  // The next evaluation hangs; two more ticks pass meanwhile: both are missed.
  {
    std::lock_guard lock(r.mu);
    r.hold = true;
  }
  REQUIRE(clock.wait_for_sleepers(1));
  clock.set(first + 10 * kS);
  REQUIRE(r.wait_running());
  REQUIRE(clock.wait_for_sleepers(1));
  clock.set(first + 20 * kS);
  REQUIRE(missed_reaches(s, 1));
  REQUIRE(clock.wait_for_sleepers(1));
  clock.set(first + 30 * kS);
  REQUIRE(missed_reaches(s, 2));
  r.release();
  REQUIRE(r.wait_ticks(2));
  CHECK(r.ticks[1] == first + 10 * kS);
  CHECK(s.counters("g").missed == 2);
  REQUIRE(iterations_reach(s, 2));

  // A stalled process: 35s pass at once; the latest tick runs, the three before it are missed.
  REQUIRE(clock.wait_for_sleepers(1));
  clock.set(first + 75 * kS);
  REQUIRE(r.wait_ticks(3));
  CHECK(r.ticks[2] == first + 70 * kS);
  CHECK(s.counters("g").missed == 2 + 3);
  s.stop();
  CHECK(s.counters("g").iterations == 3);
}

TEST_CASE("group scheduler: groups run concurrently; removed groups stop") {
  util::FakeClock clock(1000 * kS);
  ruler::GroupScheduler s(clock, 2);
  Recorder a, b;
  s.upsert({"a", 10 * kS, [&](int64_t tick) { a.eval(tick); }});
  s.upsert({"b", 10 * kS, [&](int64_t tick) { b.eval(tick); }});
  s.start();
  {
    std::lock_guard lock(a.mu);
    a.hold = true;
  }
  REQUIRE(clock.wait_for_sleepers(1));
  clock.advance(20 * kS);  // both groups due; a hangs, b still runs
  REQUIRE(a.wait_running());
  REQUIRE(b.wait_ticks(1));
  a.release();
  REQUIRE(a.wait_ticks(1));
  REQUIRE(iterations_reach(s, 1, "a"));
  s.remove("b");
  CHECK(s.keys() == std::vector<std::string>{"a"});
  REQUIRE(clock.wait_for_sleepers(1));
  clock.advance(10 * kS);
  REQUIRE(a.wait_ticks(2));
  s.stop();
  CHECK(b.ticks.size() == 1);
}
