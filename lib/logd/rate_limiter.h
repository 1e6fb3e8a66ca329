// Per-tenant token buckets in bytes, as Loki's distributor limits ingestion (local strategy):
// tokens refill at `rate` bytes/s up to `burst`; a push of n bytes passes only if n tokens are
// there, and then takes them. As with Go's rate.Limiter, a push larger than the burst never
// passes. A rate of 0 means unlimited. Rate and burst come with each call (the tenant's limits
// as of now), so a runtime-config reload changes them for the next push; a bucket keeps its
// tokens across the change (capped at the new burst).
// Thread-safe: one mutex; a check is a few arithmetic operations.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace logd {

class RateLimiter {
 public:
  // Takes `bytes` tokens from `tenant`'s bucket at time `now_ns` if available.
  bool allow(const std::string& tenant, uint64_t bytes, int64_t now_ns, double rate_bytes_per_sec, double burst_bytes);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ns = 0;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace logd
