#include "auth/login_throttle.h"

#include <algorithm>

namespace auth {

LoginThrottle::LoginThrottle(LoginThrottleOptions options, util::Clock& clock) : options_(options), clock_(clock) {}

int64_t LoginThrottle::wait_ns(const std::string& source) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(source);
  if (it == entries_.end()) return 0;
  return std::max<int64_t>(0, it->second.blocked_until_ns - clock_.now_ns());
}

void LoginThrottle::record_failure(const std::string& source) {
  if (options_.delay_ns <= 0) return;
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.try_emplace(source);
  Entry& e = it->second;
  if (!inserted) lru_.erase(e.lru);
  lru_.push_front(source);
  e.lru = lru_.begin();
  e.failures = std::min(e.failures + 1, 62);
  int64_t delay = options_.delay_ns;
  for (int i = 1; i < e.failures && delay < options_.max_delay_ns; ++i) delay *= 2;
  e.blocked_until_ns = clock_.now_ns() + std::min(delay, options_.max_delay_ns);
  while (entries_.size() > options_.max_sources) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
}

void LoginThrottle::record_success(const std::string& source) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(source);
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

size_t LoginThrottle::sources() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::string source_address(const std::string& remote_address) {
  if (!remote_address.empty() && remote_address[0] == '[') {
    size_t close = remote_address.find(']');
    if (close != std::string::npos) return remote_address.substr(1, close - 1);
  }
  size_t colon = remote_address.rfind(':');
  if (colon == std::string::npos || remote_address.find(':') != colon) return remote_address;
  return remote_address.substr(0, colon);
}

}  // namespace auth
