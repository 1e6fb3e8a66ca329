// Per-tenant token buckets in bytes, as Loki's distributor limits ingestion (local strategy):
// tokens refill at `rate` bytes/s up to `burst`; a push of n bytes passes only if n tokens are
// there, and then takes them. As with Go's rate.Limiter, a push larger than the burst never
// passes. A rate of 0 means unlimited.
// Thread-safe: one mutex; a check is a few arithmetic operations.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace logd {

class RateLimiter {
 public:
  RateLimiter(double rate_bytes_per_sec, double burst_bytes);
  // Takes `bytes` tokens from `tenant`'s bucket at time `now_ns` if available.
  bool allow(const std::string& tenant, uint64_t bytes, int64_t now_ns);
  double rate() const;
  // Changes the refill rate (Loki's global strategy: the tenant's limit divided by the healthy
  // distributors); the burst stays. Buckets keep their tokens.
  void set_rate(double rate_bytes_per_sec);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ns = 0;
  };
  double rate_, burst_;  // guarded by mu_
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace logd
