// CallPool: a fixed set of threads that run blocking calls to other roles (an HTTP request to an
// ingester, a poll of the query-frontend), so one request can wait on several at once. Tasks run
// in submission order; the queue is unbounded (callers bound what they submit, e.g. in flight per
// ingester).
//
// Thread-safety: submit() from any thread. The destructor runs what is queued, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cluster {

class CallPool {
 public:
  explicit CallPool(size_t threads);
  ~CallPool();
  CallPool(const CallPool&) = delete;
  CallPool& operator=(const CallPool&) = delete;

  void submit(std::function<void()> task);
  size_t queued() const;

 private:
  void run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cluster
