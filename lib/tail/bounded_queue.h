// BoundedQueue<Item>: the hand-off between tailing threads and the thread that consumes their
// lines, bounded by a count of items and a count of bytes. When it is full, offer() refuses and
// the tailer stops reading its file (it offers the same line again later), so memory stays
// bounded whatever happens downstream. After a refusal, the next pop() that makes room calls the
// space callback so tailers resume at once instead of at their next poll tick. close() refuses
// every item from then on (shutdown) while queued items can still be popped.
//
// The core of tail::BoundedLineQueue and logtail::ScrapeLineQueue, which differ only in what an
// item carries.
//
// Thread-safe: any number of producers and consumers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace tail {

template <class Item>
class BoundedQueue {
 public:
  BoundedQueue(size_t max_items, size_t max_bytes) : max_items_(max_items), max_bytes_(max_bytes) {}

  // Queues make_item() (which counts as `bytes`) unless the queue is full or closed. The item is
  // only built once accepted, so a refused line costs no copy.
  template <class MakeItem>
  bool offer(size_t bytes, MakeItem&& make_item) {
    {
      std::lock_guard lock(mu_);
      if (closed_) return false;
      // An empty queue always takes one item, so a line larger than max_bytes cannot wedge a file.
      if (!items_.empty() && (items_.size() >= max_items_ || bytes_ + bytes > max_bytes_)) {
        refused_ = true;
        return false;
      }
      items_.push_back(Slot{make_item(), bytes});
      bytes_ += bytes;
    }
    not_empty_.notify_one();
    return true;
  }

  // Moves up to `max` items into `out` (appended), waiting up to `timeout_ms` for the first one.
  // Returns the number moved.
  size_t pop(std::vector<Item>& out, size_t max, int64_t timeout_ms) {
    size_t moved = 0;
    std::function<void()> notify;
    {
      std::unique_lock lock(mu_);
      not_empty_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !items_.empty(); });
      while (moved < max && !items_.empty()) {
        bytes_ -= items_.front().bytes;
        out.push_back(std::move(items_.front().item));
        items_.pop_front();
        ++moved;
      }
      // Once closed, nobody may be woken to offer again.
      if (moved > 0 && refused_ && !closed_) {
        refused_ = false;
        notify = on_space_;
      }
    }
    if (notify) notify();  // outside the lock: the callback may take the tailers' locks
    return moved;
  }

  // Called (outside the lock) whenever pop() frees room after a refusal: wire it to
  // TargetManager::wake().
  void set_space_callback(std::function<void()> callback) {
    std::lock_guard lock(mu_);
    on_space_ = std::move(callback);
  }

  // From now on every item is refused; items already queued can still be popped.
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }

 private:
  struct Slot {
    Item item;
    size_t bytes;
  };

  const size_t max_items_, max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::deque<Slot> items_;          // guarded by mu_
  size_t bytes_ = 0;                // guarded by mu_
  bool refused_ = false;            // guarded by mu_: a producer was turned away since the last pop
  bool closed_ = false;             // guarded by mu_
  std::function<void()> on_space_;  // guarded by mu_
};

}  // namespace tail
