#include "cluster/tenant_queue.h"

#include <algorithm>

namespace cluster {

bool TenantQueue::fits(const std::string& tenant, size_t n) const { return size(tenant) + n <= max_per_tenant_; }

size_t TenantQueue::size(const std::string& tenant) const {
  auto it = queues_.find(tenant);
  return it == queues_.end() ? 0 : it->second.size();
}

void TenantQueue::activate(const std::string& tenant) {
  if (std::find(turn_.begin(), turn_.end(), tenant) == turn_.end()) turn_.push_back(tenant);
}

void TenantQueue::push_back(const std::string& tenant, uint64_t item) {
  queues_[tenant].push_back(item);
  ++total_;
  activate(tenant);
}

void TenantQueue::push_front(const std::string& tenant, uint64_t item) {
  queues_[tenant].push_front(item);
  ++total_;
  activate(tenant);
}

std::optional<std::pair<std::string, uint64_t>> TenantQueue::pop() {
  while (!turn_.empty()) {
    std::string tenant = std::move(turn_.front());
    turn_.pop_front();
    auto it = queues_.find(tenant);
    if (it == queues_.end() || it->second.empty()) continue;
    uint64_t item = it->second.front();
    it->second.pop_front();
    --total_;
    if (it->second.empty()) {
      queues_.erase(it);
    } else {
      turn_.push_back(tenant);  // its next item waits for every other tenant's turn
    }
    return std::make_pair(std::move(tenant), item);
  }
  return std::nullopt;
}

size_t TenantQueue::remove(const std::string& tenant, const std::vector<uint64_t>& items) {
  auto it = queues_.find(tenant);
  if (it == queues_.end()) return 0;
  size_t before = it->second.size();
  std::erase_if(it->second, [&](uint64_t id) { return std::find(items.begin(), items.end(), id) != items.end(); });
  size_t removed = before - it->second.size();
  total_ -= removed;
  if (it->second.empty()) {
    queues_.erase(it);
    std::erase(turn_, tenant);
  }
  return removed;
}

std::map<std::string, size_t> TenantQueue::sizes() const {
  std::map<std::string, size_t> out;
  for (const auto& [tenant, q] : queues_) out[tenant] = q.size();
  return out;
}

}  // namespace cluster
