// TenantQueue: the query-frontend's queue (Loki's request queue): a FIFO per tenant, served
// round-robin across tenants, so a tenant with thousands of queued pieces does not delay another
// tenant's one query by more than one piece per busy tenant. Each tenant may have at most
// `max_per_tenant` queued items (Loki's max_outstanding_per_tenant); a retry goes to the front of
// its tenant's FIFO and is not refused.
//
// Not thread-safe: the frontend guards it with its own lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cluster {

class TenantQueue {
 public:
  explicit TenantQueue(size_t max_per_tenant) : max_per_tenant_(max_per_tenant) {}

  // Whether `n` more items of `tenant` fit.
  bool fits(const std::string& tenant, size_t n) const;
  // Appends (no limit check: call fits() first for new work).
  void push_back(const std::string& tenant, uint64_t item);
  // A retry: ahead of the tenant's other items.
  void push_front(const std::string& tenant, uint64_t item);
  // The next item in round-robin order of tenants, with its tenant.
  std::optional<std::pair<std::string, uint64_t>> pop();
  // Drops queued items (a request given up); returns how many were queued.
  size_t remove(const std::string& tenant, const std::vector<uint64_t>& items);

  size_t size(const std::string& tenant) const;
  size_t total() const { return total_; }
  // Queued items per tenant with any queued (for metrics).
  std::map<std::string, size_t> sizes() const;

 private:
  void activate(const std::string& tenant);

  size_t max_per_tenant_;
  std::map<std::string, std::deque<uint64_t>> queues_;
  std::deque<std::string> turn_;  // tenants with queued items, next to serve first
  size_t total_ = 0;
};

}  // namespace cluster
