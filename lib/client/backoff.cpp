#include "client/backoff.h"

#include <algorithm>

namespace client {
namespace {

int64_t doubled(int64_t d, int64_t cap) {
  if (d > cap / 2) return cap;  // also keeps the doubling from overflowing
  return std::min(d * 2, cap);
}

}  // namespace

Backoff::Backoff(const BackoffConfig& config, uint64_t seed)
    : config_(config),
      rng_(seed),
      next_min_(config.min_period),
      next_max_(doubled(config.min_period, config.max_period)) {}

int64_t Backoff::next_delay() {
  ++retries_;
  if (config_.min_period >= config_.max_period) return config_.max_period;
  int64_t delay = next_min_;
  if (next_max_ > next_min_) {
    std::uniform_int_distribution<int64_t> jitter(0, next_max_ - next_min_ - 1);
    delay += jitter(rng_);
  }
  next_min_ = doubled(next_min_, config_.max_period);
  next_max_ = doubled(next_max_, config_.max_period);
  return delay;
}

}  // namespace client
