// Exponential backoff with jitter between retries of one batch, as dskit's backoff (which
// Promtail uses) computes it: the n-th delay is drawn from [min*2^(n-1), min*2^n), both ends
// capped at max_period; max_retries 0 means retry forever.
// Not thread-safe: one Backoff per batch being sent.
#pragma once

#include <cstdint>
#include <random>

#include "client/config.h"

namespace client {

class Backoff {
 public:
  Backoff(const BackoffConfig& config, uint64_t seed);

  // The delay before the next attempt, in nanoseconds; counts one retry.
  int64_t next_delay();
  int64_t retries() const { return retries_; }
  // False once max_retries retries have been counted (never, when max_retries is 0).
  bool ongoing() const { return config_.max_retries == 0 || retries_ < config_.max_retries; }

 private:
  BackoffConfig config_;
  std::mt19937_64 rng_;
  int64_t retries_ = 0;
  int64_t next_min_;
  int64_t next_max_;
};

}  // namespace client
