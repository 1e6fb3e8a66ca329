#include "ruler/group_scheduler.h"

#include <limits>


namespace ruler {

GroupScheduler::GroupScheduler(util::Clock& clock, int workers) : clock_(clock), workers_n_(workers < 1 ? 1 : workers) {}

GroupScheduler::~GroupScheduler() { stop(); }

int64_t GroupScheduler::first_tick(const std::string& key, int64_t interval_ns, int64_t now_ns) {
  if (interval_ns <= 0) return now_ns;
  // A stable offset per group (FNV-1a of the key), as Prometheus hashes the group's name and file.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
  int64_t offset = static_cast<int64_t>(h % static_cast<uint64_t>(interval_ns));
  int64_t base = now_ns - ((now_ns - offset) % interval_ns + interval_ns) % interval_ns;
  return base < now_ns ? base + interval_ns : base;
}

void GroupScheduler::upsert(ScheduledGroup group) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group.key);
  if (it != groups_.end()) {
    auto e = it->second;
    bool interval_changed = e->group.interval_ns != group.interval_ns;
    // The entry object stays (a running evaluation holds it); the next run takes the new function.
    e->group = std::move(group);
    if (interval_changed) e->next_tick = first_tick(e->group.key, e->group.interval_ns, clock_.now_ns());
  } else {
    auto e = std::make_shared<Entry>();
    e->next_tick = first_tick(group.key, group.interval_ns, clock_.now_ns());
    e->group = std::move(group);
    groups_.emplace(e->group.key, std::move(e));
  }
  wake();
}

void GroupScheduler::remove(const std::string& key) {
  std::lock_guard lock(mu_);
  groups_.erase(key);
  wake();
}

std::vector<std::string> GroupScheduler::keys() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [k, e] : groups_) out.push_back(k);
  return out;
}

GroupCounters GroupScheduler::counters(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(key);
  return it == groups_.end() ? GroupCounters{} : it->second->counters;
}

void GroupScheduler::wake() { wake_.request_stop(); }

void GroupScheduler::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  for (int i = 0; i < workers_n_; ++i) workers_.emplace_back([this] { worker_loop(); });
  scheduler_ = std::thread([this] { schedule_loop(); });
}

void GroupScheduler::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    wake();
  }
  work_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
}

void GroupScheduler::schedule_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    int64_t earliest = std::numeric_limits<int64_t>::max();
    for (const auto& [k, e] : groups_) earliest = std::min(earliest, e->next_tick);
    if (wake_.stop_requested()) wake_ = std::stop_source();
    std::stop_token token = wake_.get_token();
    lock.unlock();
    clock_.sleep_until(earliest, token);
    lock.lock();
    if (stopping_) break;
    int64_t now = clock_.now_ns();
    bool queued = false;
    for (auto& [k, e] : groups_) {
      if (e->next_tick > now) continue;
      const int64_t interval = e->group.interval_ns > 0 ? e->group.interval_ns : 1;
      int64_t behind = (now - e->next_tick) / interval;  // ticks that passed after this one
      int64_t tick = e->next_tick + behind * interval;    // the latest due tick
      e->next_tick = tick + interval;
      e->counters.missed += static_cast<uint64_t>(behind);
      if (e->running) {
        ++e->counters.missed;  // still busy with an earlier tick: this one is skipped
        continue;
      }
      e->running = true;
      queue_.emplace_back(e, tick);
      queued = true;
    }
    if (queued) work_cv_.notify_all();
  }
}

void GroupScheduler::worker_loop() {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    auto [e, tick] = std::move(queue_.front());
    queue_.pop_front();
    if (stopping_) {
      e->running = false;
      continue;
    }
    auto evaluate = e->group.evaluate;
    lock.unlock();
    if (evaluate) evaluate(tick);
    lock.lock();
    e->running = false;
    ++e->counters.iterations;
  }
}

}  // namespace ruler
