#include "logd/rate_limiter.h"

#include <algorithm>

namespace logd {

RateLimiter::RateLimiter(double rate_bytes_per_sec, double burst_bytes)
    : rate_(rate_bytes_per_sec), burst_(burst_bytes) {}

double RateLimiter::rate() const {
  std::lock_guard lock(mu_);
  return rate_;
}

void RateLimiter::set_rate(double rate_bytes_per_sec) {
  std::lock_guard lock(mu_);
  rate_ = rate_bytes_per_sec;
}

bool RateLimiter::allow(const std::string& tenant, uint64_t bytes, int64_t now_ns) {
  std::lock_guard lock(mu_);
  if (rate_ <= 0) return true;
  auto [it, inserted] = buckets_.try_emplace(tenant);
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = burst_;  // a new tenant starts with a full bucket, as rate.NewLimiter does
    b.last_ns = now_ns;
  } else if (now_ns > b.last_ns) {
    b.tokens = std::min(burst_, b.tokens + rate_ * static_cast<double>(now_ns - b.last_ns) / 1e9);
    b.last_ns = now_ns;
  }
  double need = static_cast<double>(bytes);
  if (need > b.tokens) return false;
  b.tokens -= need;
  return true;
}

}  // namespace logd
