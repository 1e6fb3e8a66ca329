// Slows password guessing per source (client IP) without holding a thread: after a failed
// login, the source's next attempts within `delay` are refused at once (the caller answers 429
// with Retry-After) without checking any credential; each further failure doubles the delay up
// to `max_delay`. A success clears the source. Time comes from the injected clock.
//
// The table is bounded (`max_sources`): past it the entry idle the longest is dropped, so a flood
// of addresses costs memory once, not without end.
//
// Thread-safe: one mutex, held for a map lookup.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "util/clock.h"

namespace auth {

struct LoginThrottleOptions {
  int64_t delay_ns = 1'000'000'000;
  int64_t max_delay_ns = 30'000'000'000;
  size_t max_sources = 65536;
};

class LoginThrottle {
 public:
  LoginThrottle(LoginThrottleOptions options, util::Clock& clock);

  // 0 when `source` may try now, else the nanoseconds it must still wait.
  int64_t wait_ns(const std::string& source) const;
  void record_failure(const std::string& source);
  void record_success(const std::string& source);
  size_t sources() const;

 private:
  struct Entry {
    int failures = 0;
    int64_t blocked_until_ns = 0;
    std::list<std::string>::iterator lru;
  };
  const LoginThrottleOptions options_;
  util::Clock& clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recent failure first
};

// The address part of "ip:port" or "[v6]:port" (the throttle's source key).
std::string source_address(const std::string& remote_address);

}  // namespace auth
