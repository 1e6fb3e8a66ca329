#include "logd/rate_limiter.h"

#include <algorithm>

namespace logd {

bool RateLimiter::allow(const std::string& tenant, uint64_t bytes, int64_t now_ns, double rate, double burst) {
  if (rate <= 0) return true;
  std::lock_guard lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(tenant);
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = burst;  // a new tenant starts with a full bucket, as rate.NewLimiter does
    b.last_ns = now_ns;
  } else if (now_ns > b.last_ns) {
    b.tokens = std::min(burst, b.tokens + rate * static_cast<double>(now_ns - b.last_ns) / 1e9);
    b.last_ns = now_ns;
  } else {
    b.tokens = std::min(burst, b.tokens);
  }
  double need = static_cast<double>(bytes);
  if (need > b.tokens) return false;
  b.tokens -= need;
  return true;
}

}  // namespace logd
