#include "util/clock.h"

#include <chrono>
#include <iterator>

namespace util {
namespace {

class SystemClock final : public Clock {
 public:
  int64_t now_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  bool sleep_until(int64_t deadline_ns, std::stop_token stop) override {
    std::chrono::system_clock::time_point deadline{
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(deadline_ns))};
    std::unique_lock lock(mu_);
    // Predicate false: only a stop request or the deadline ends the wait.
    cv_.wait_until(lock, stop, deadline, [] { return false; });
    return !stop.stop_requested();
  }

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
};

}  // namespace

Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

int64_t FakeClock::now_ns() const {
  std::lock_guard lock(mu_);
  return now_;
}

bool FakeClock::sleep_until(int64_t deadline_ns, std::stop_token stop) {
  std::unique_lock lock(mu_);
  auto slot = deadlines_.insert(deadline_ns);
  cv_.notify_all();  // wait_for_sleepers
  bool reached = cv_.wait(lock, stop, [&] { return now_ >= deadline_ns; });
  deadlines_.erase(slot);
  return reached;
}

int FakeClock::asleep_locked() const {
  // Sleepers whose deadline has come are awake even before their thread has run again: a test
  // that moved time and waits for the next sleep never counts the one that just ended.
  return static_cast<int>(std::distance(deadlines_.upper_bound(now_), deadlines_.end()));
}

void FakeClock::set(int64_t ns) {
  std::lock_guard lock(mu_);
  now_ = ns;
  cv_.notify_all();
}

void FakeClock::advance(int64_t duration_ns) {
  std::lock_guard lock(mu_);
  now_ += duration_ns;
  cv_.notify_all();
}

int FakeClock::sleepers() const {
  std::lock_guard lock(mu_);
  return asleep_locked();
}

bool FakeClock::wait_for_sleepers(int n, int64_t real_timeout_ms) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(real_timeout_ms), [&] { return asleep_locked() >= n; });
}

}  // namespace util
