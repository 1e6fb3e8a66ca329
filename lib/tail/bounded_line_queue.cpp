// BoundedLineQueue (see bounded_line_queue.h).
#include "tail/bounded_line_queue.h"

#include <chrono>

namespace tail {

bool BoundedLineQueue::try_consume(const TailedLine& line) {
  {
    std::lock_guard lock(mu_);
    // An empty queue always takes one line, so a line larger than max_bytes cannot wedge a file.
    if (!lines_.empty() && (lines_.size() >= max_lines_ || bytes_ + line.line.size() > max_bytes_)) {
      refused_ = true;
      return false;
    }
    lines_.push_back(QueuedLine{line.cursor, std::string(line.line), line.end_offset, line.read_time_ns});
    bytes_ += line.line.size();
  }
  not_empty_.notify_one();
  return true;
}

size_t BoundedLineQueue::pop(std::vector<QueuedLine>& out, size_t max, int64_t timeout_ms) {
  size_t moved = 0;
  std::function<void()> notify;
  {
    std::unique_lock lock(mu_);
    not_empty_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !lines_.empty(); });
    while (moved < max && !lines_.empty()) {
      bytes_ -= lines_.front().line.size();
      out.push_back(std::move(lines_.front()));
      lines_.pop_front();
      ++moved;
    }
    if (moved > 0 && refused_) {
      refused_ = false;
      notify = on_space_;
    }
  }
  if (notify) notify();
  return moved;
}

void BoundedLineQueue::set_space_callback(std::function<void()> callback) {
  std::lock_guard lock(mu_);
  on_space_ = std::move(callback);
}

size_t BoundedLineQueue::size() const {
  std::lock_guard lock(mu_);
  return lines_.size();
}

}  // namespace tail
