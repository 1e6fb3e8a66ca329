// ScrapeLineQueue: the bounded hand-off between the tailing threads (one tail::TargetManager per
// scrape config) and the one pipeline thread. Each line remembers which scrape config it came
// from, so the pipeline thread runs that config's stages. When the queue is full (the pipeline
// thread is blocked pushing to a client that cannot keep up, e.g. logd is down), tailers are
// refused and stop reading: memory stays bounded and positions never pass unshipped lines.
// close_input() refuses every line from then on (shutdown: stop reading, keep the tailers'
// positions intact until the clients have settled).
//
// The queueing itself is tail::BoundedQueue's; this class adds the scrape index per producer.
//
// Thread-safe: any number of producers (through consumer_for()) and consumers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tail/bounded_queue.h"
#include "tail/tailed_line.h"

namespace logtail {

struct QueuedScrapeLine {
  size_t scrape_index = 0;
  std::shared_ptr<tail::FileCursor> cursor;
  std::string line;
  int64_t end_offset = 0;
  int64_t read_time_ns = 0;
};

class ScrapeLineQueue {
 public:
  ScrapeLineQueue(size_t max_lines, size_t max_bytes);
  ~ScrapeLineQueue();

  // The LineConsumer a scrape config's TargetManager feeds; owned by the queue.
  tail::LineConsumer* consumer_for(size_t scrape_index);

  // Moves up to `max` lines into `out` (appended), waiting up to `timeout_ms` for the first.
  size_t pop(std::vector<QueuedScrapeLine>& out, size_t max, int64_t timeout_ms) {
    return queue_.pop(out, max, timeout_ms);
  }

  // Called outside the lock when a pop() made room after a refusal (wire to TargetManager::wake).
  void set_space_callback(std::function<void()> callback) { queue_.set_space_callback(std::move(callback)); }

  // From now on every line is refused; lines already queued can still be popped.
  void close_input() { queue_.close(); }
  size_t size() const { return queue_.size(); }

 private:
  class Producer;

  tail::BoundedQueue<QueuedScrapeLine> queue_;
  std::mutex producers_mu_;
  std::vector<std::unique_ptr<Producer>> producers_;  // guarded by producers_mu_
};

}  // namespace logtail
