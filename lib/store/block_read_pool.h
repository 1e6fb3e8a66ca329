// BlockReadPool: a few threads that check, decompress and filter chunk blocks ahead of the
// query thread that consumes them (store/chunk_cursor.h), so one query uses more than one core
// while results still come out in order: each cursor hands the pool the next blocks it will
// need and takes them back in its own order; a block no worker has started yet is read by the
// consumer itself, so the consumer never waits for a queue.
//
// Read-ahead is bounded by a byte budget shared by every query on the pool (decompressed bytes of
// blocks read ahead and not yet taken), so many open streams cannot multiply memory.
//
// Thread-safety: all methods may be called from any thread. The pool must outlive the tasks
// given to it only until its destructor, which runs nothing more, drops what is queued and joins.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace store {

class BlockReadPool {
 public:
  // `threads` >= 1. `budget_bytes`: the most decompressed bytes read ahead at once.
  BlockReadPool(int threads, uint64_t budget_bytes);
  ~BlockReadPool();
  BlockReadPool(const BlockReadPool&) = delete;
  BlockReadPool& operator=(const BlockReadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()); }

  // Reserves `bytes` of the read-ahead budget; false (nothing reserved) if they do not fit.
  bool try_reserve(uint64_t bytes);
  void release(uint64_t bytes);

  // Runs `task` on a worker, in submission order.
  void submit(std::function<void()> task);

 private:
  void work();

  std::atomic<uint64_t> reserved_{0};
  const uint64_t budget_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace store
