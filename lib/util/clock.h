// The one source of time: wall-clock nanoseconds since the Unix epoch, and waits that a stop
// request interrupts. Each app's composition root passes system_clock() down; tests pass a
// FakeClock and move time by hand, so time-dependent logic (rate limits, flush ages, heartbeats,
// retries, retention) is tested without sleeping.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <stop_token>

namespace util {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ns() const = 0;
  // Blocks until now_ns() >= deadline_ns (true) or `stop` is requested (false, at once).
  virtual bool sleep_until(int64_t deadline_ns, std::stop_token stop) = 0;
  bool sleep_for(int64_t duration_ns, std::stop_token stop) { return sleep_until(now_ns() + duration_ns, stop); }
};

// The process's real clock (CLOCK_REALTIME).
Clock& system_clock();

// A clock that moves only when told. Sleepers wake when set()/advance() reaches their deadline.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ns = 1'700'000'000'000'000'000) : now_(start_ns) {}
  int64_t now_ns() const override;
  bool sleep_until(int64_t deadline_ns, std::stop_token stop) override;

  void set(int64_t ns);
  void advance(int64_t duration_ns);
  // Threads blocked in sleep_until right now whose deadline is still ahead (one whose deadline
  // set()/advance() reached counts as awake at once). Tests wait for a worker to be asleep
  // before moving time, so a step is never taken before the worker has looked at the clock.
  int sleepers() const;
  // Waits (in real time, at most `real_timeout_ms`) until at least `n` threads sleep; false on timeout.
  bool wait_for_sleepers(int n, int64_t real_timeout_ms = 10'000) const;

 private:
  int asleep_locked() const;

  mutable std::mutex mu_;
  mutable std::condition_variable_any cv_;
  int64_t now_;
  std::multiset<int64_t> deadlines_;  // of the threads in sleep_until
};

}  // namespace util
