// BoundedLineQueue: a LineConsumer that buffers at most `max_lines` lines / `max_bytes` bytes for
// a shipping thread (the push client). When it is full, try_consume() refuses and tailers stop
// reading: memory stays bounded whatever the state of logd. The shipper pops lines, ships them,
// then acknowledges each through its cursor (QueuedLine::acknowledge()). The queueing itself is
// BoundedQueue's (bounded_queue.h).
//
// Thread-safe: any number of producers and consumers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tail/bounded_queue.h"
#include "tail/tailed_line.h"

namespace tail {

struct QueuedLine {
  std::shared_ptr<FileCursor> cursor;  // labels and path of the line's file
  std::string line;
  int64_t end_offset = 0;
  int64_t read_time_ns = 0;
  // Call once the line is safely stored downstream: positions may then move past it.
  void acknowledge() const { cursor->acknowledge(end_offset); }
};

class BoundedLineQueue final : public LineConsumer {
 public:
  BoundedLineQueue(size_t max_lines, size_t max_bytes) : queue_(max_lines, max_bytes) {}

  bool try_consume(const TailedLine& line) override;

  // Moves up to `max` lines into `out` (appended), waiting up to `timeout_ms` for the first one.
  // Returns the number moved. Calls the space callback when room was made.
  size_t pop(std::vector<QueuedLine>& out, size_t max, int64_t timeout_ms) { return queue_.pop(out, max, timeout_ms); }

  // Called (outside the lock) whenever pop() frees room after a refusal: wire it to
  // TargetManager::wake() so blocked tailers resume at once instead of at the next poll tick.
  void set_space_callback(std::function<void()> callback) { queue_.set_space_callback(std::move(callback)); }

  size_t size() const { return queue_.size(); }

 private:
  BoundedQueue<QueuedLine> queue_;
};

}  // namespace tail
