#include "store/block_read_pool.h"

namespace store {

BlockReadPool::BlockReadPool(int threads, uint64_t budget_bytes) : budget_(budget_bytes) {
  workers_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

BlockReadPool::~BlockReadPool() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
  // Destroyed here, after the workers, and before the budget they may release into.
  dropped.clear();
}

bool BlockReadPool::try_reserve(uint64_t bytes) {
  uint64_t cur = reserved_.load(std::memory_order_relaxed);
  do {
    if (cur + bytes > budget_) return false;
  } while (!reserved_.compare_exchange_weak(cur, cur + bytes, std::memory_order_relaxed));
  return true;
}

void BlockReadPool::release(uint64_t bytes) { reserved_.fetch_sub(bytes, std::memory_order_relaxed); }

void BlockReadPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void BlockReadPool::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace store
