// GroupScheduler: runs rule groups at their intervals on an injected clock, as Prometheus's rule
// manager does. Each group's evaluation times are aligned to its interval plus an offset derived
// from its key (so groups spread over the interval instead of all starting together), and each
// tick's time is the evaluation timestamp. Groups run concurrently on a small worker pool; a
// group is never evaluated twice at once. When a tick comes while the group is still busy, or
// several ticks passed (a stalled process), the group runs once at the latest tick and the
// skipped ticks count as missed iterations (prometheus_rule_group_iterations_missed_total).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "util/clock.h"

namespace ruler {

struct ScheduledGroup {
  std::string key;         // unique: tenant, namespace and group name
  int64_t interval_ns = 0;
  std::function<void(int64_t tick_ns)> evaluate;
};

struct GroupCounters {
  uint64_t iterations = 0;  // evaluations run
  uint64_t missed = 0;      // ticks skipped
};

class GroupScheduler {
 public:
  GroupScheduler(util::Clock& clock, int workers);
  ~GroupScheduler();  // stop()s
  GroupScheduler(const GroupScheduler&) = delete;
  GroupScheduler& operator=(const GroupScheduler&) = delete;

  // Adds or replaces a group (by key). A replaced group keeps its schedule and counters; its
  // evaluation in flight, if any, finishes first.
  void upsert(ScheduledGroup group);
  void remove(const std::string& key);
  std::vector<std::string> keys() const;

  void start();
  // Stops scheduling and waits for evaluations in flight. Idempotent.
  void stop();

  GroupCounters counters(const std::string& key) const;
  // The first tick at or after `now` for a group: multiples of the interval, shifted by an offset
  // derived from the key.
  static int64_t first_tick(const std::string& key, int64_t interval_ns, int64_t now_ns);

 private:
  struct Entry {
    ScheduledGroup group;
    int64_t next_tick = 0;
    bool running = false;
    GroupCounters counters;
  };
  void schedule_loop();
  void worker_loop();
  void wake();

  util::Clock& clock_;
  int workers_n_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::map<std::string, std::shared_ptr<Entry>> groups_;
  std::deque<std::pair<std::shared_ptr<Entry>, int64_t>> queue_;
  std::stop_source wake_;
  bool stopping_ = false;
  bool started_ = false;
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

}  // namespace ruler
