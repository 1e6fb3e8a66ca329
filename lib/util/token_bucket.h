// TokenBucket: golang.org/x/time/rate's limiter as Promtail uses it: `burst` tokens to start
// with, refilled at `rate` per second up to `burst`; each event takes one. Time is passed in
// (nanoseconds from an injected util::Clock), so tests drive it with a FakeClock.
//
// Not thread-safe: the owner serializes calls.
#pragma once

#include <algorithm>
#include <cstdint>

namespace util {

class TokenBucket {
 public:
  TokenBucket(double rate, double burst, int64_t now) : rate_(rate), burst_(burst), tokens_(burst), last_(now) {}
  // Takes a token if one is there.
  bool allow(int64_t now) {
    refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }
  // Nanoseconds until a token is available.
  int64_t wait_ns(int64_t now) {
    refill(now);
    return tokens_ >= 1 ? 0 : static_cast<int64_t>((1 - tokens_) / rate_ * 1e9);
  }

 private:
  void refill(int64_t now) {
    if (now > last_) tokens_ = std::min(burst_, tokens_ + static_cast<double>(now - last_) / 1e9 * rate_);
    last_ = now;
  }
  double rate_, burst_, tokens_;
  int64_t last_;
};

}  // namespace util
