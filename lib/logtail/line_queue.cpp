// ScrapeLineQueue (see line_queue.h).
#include "logtail/line_queue.h"

#include <chrono>

namespace logtail {

class ScrapeLineQueue::Producer final : public tail::LineConsumer {
 public:
  Producer(ScrapeLineQueue* queue, size_t index) : queue_(queue), index_(index) {}
  bool try_consume(const tail::TailedLine& line) override { return queue_->offer(index_, line); }

 private:
  ScrapeLineQueue* const queue_;
  const size_t index_;
};

ScrapeLineQueue::ScrapeLineQueue(size_t max_lines, size_t max_bytes) : max_lines_(max_lines), max_bytes_(max_bytes) {}
ScrapeLineQueue::~ScrapeLineQueue() = default;

tail::LineConsumer* ScrapeLineQueue::consumer_for(size_t scrape_index) {
  std::lock_guard lock(mu_);
  producers_.push_back(std::make_unique<Producer>(this, scrape_index));
  return producers_.back().get();
}

bool ScrapeLineQueue::offer(size_t scrape_index, const tail::TailedLine& line) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    // An empty queue always takes one line, so a line larger than max_bytes cannot wedge a file.
    if (!lines_.empty() && (lines_.size() >= max_lines_ || bytes_ + line.line.size() > max_bytes_)) {
      refused_ = true;
      return false;
    }
    lines_.push_back(QueuedScrapeLine{scrape_index, line.cursor, std::string(line.line), line.end_offset,
                                      line.read_time_ns});
    bytes_ += line.line.size();
  }
  not_empty_.notify_one();
  return true;
}

size_t ScrapeLineQueue::pop(std::vector<QueuedScrapeLine>& out, size_t max, int64_t timeout_ms) {
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
    if (moved > 0 && refused_ && !closed_) {
      refused_ = false;
      notify = on_space_;
    }
  }
  if (notify) notify();
  return moved;
}

void ScrapeLineQueue::set_space_callback(std::function<void()> callback) {
  std::lock_guard lock(mu_);
  on_space_ = std::move(callback);
}

void ScrapeLineQueue::close_input() {
  std::lock_guard lock(mu_);
  closed_ = true;
}

size_t ScrapeLineQueue::size() const {
  std::lock_guard lock(mu_);
  return lines_.size();
}

}  // namespace logtail
