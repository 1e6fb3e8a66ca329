#include "util/cancellation.h"

namespace util {

Cancellation::Cancellation() = default;

Cancellation::Cancellation(const Clock& clock, int64_t deadline_ns) : clock_(&clock), deadline_ns_(deadline_ns) {}

void Cancellation::set_probe(std::function<bool()> caller_gone) { caller_gone_ = std::move(caller_gone); }

void Cancellation::cancel() {
  int running = kRunning;
  state_.compare_exchange_strong(running, kCancelled);
}

Status Cancellation::status_of(int state) {
  switch (state) {
    case kCancelled: return cancelled("context canceled");
    case kDeadline: return deadline_exceeded("context deadline exceeded");
    default: return {};
  }
}

Status Cancellation::status() const { return status_of(state_.load(std::memory_order_relaxed)); }

Status Cancellation::check() const {
  int state = state_.load(std::memory_order_relaxed);
  if (state == kRunning) {
    int next = kRunning;
    if (clock_ && deadline_ns_ != 0 && clock_->now_ns() >= deadline_ns_) {
      next = kDeadline;
    } else if (caller_gone_ && caller_gone_()) {
      next = kCancelled;
    }
    if (next != kRunning) {
      int running = kRunning;
      state_.compare_exchange_strong(running, next);
    }
    state = state_.load(std::memory_order_relaxed);
  }
  return status_of(state);
}

}  // namespace util
