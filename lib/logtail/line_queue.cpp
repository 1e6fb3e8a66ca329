// ScrapeLineQueue (see line_queue.h).
#include "logtail/line_queue.h"

namespace logtail {

// Tags every line it queues with its scrape config's index.
class ScrapeLineQueue::Producer final : public tail::LineConsumer {
 public:
  Producer(tail::BoundedQueue<QueuedScrapeLine>* queue, size_t index) : queue_(queue), index_(index) {}

  bool try_consume(const tail::TailedLine& line) override {
    return queue_->offer(line.line.size(), [&] {
      return QueuedScrapeLine{index_, line.cursor, std::string(line.line), line.end_offset, line.read_time_ns};
    });
  }

 private:
  tail::BoundedQueue<QueuedScrapeLine>* const queue_;
  const size_t index_;
};

ScrapeLineQueue::ScrapeLineQueue(size_t max_lines, size_t max_bytes) : queue_(max_lines, max_bytes) {}
ScrapeLineQueue::~ScrapeLineQueue() = default;

tail::LineConsumer* ScrapeLineQueue::consumer_for(size_t scrape_index) {
  std::lock_guard lock(producers_mu_);
  producers_.push_back(std::make_unique<Producer>(&queue_, scrape_index));
  return producers_.back().get();
}

}  // namespace logtail
