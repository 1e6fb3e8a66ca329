#include "ingest/tenant_streams.h"

#include <algorithm>
#include <mutex>

namespace ingest {

std::shared_ptr<MemStream> TenantStreams::find_locked(const model::LabelSet& labels, uint64_t fp) const {
  auto it = by_fingerprint_.find(fp);
  if (it == by_fingerprint_.end()) return nullptr;
  for (const auto& s : it->second)
    if (s->labels() == labels) return s;
  return nullptr;
}

std::shared_ptr<MemStream> TenantStreams::find(const model::LabelSet& labels) const {
  uint64_t fp = labels.fingerprint();
  std::shared_lock lock(mu_);
  return find_locked(labels, fp);
}

util::Result<std::shared_ptr<MemStream>> TenantStreams::get_or_create(const model::LabelSet& labels,
                                                                      uint64_t max_streams) {
  uint64_t fp = labels.fingerprint();
  {
    std::shared_lock lock(mu_);
    if (auto s = find_locked(labels, fp)) return s;
  }
  std::unique_lock lock(mu_);
  if (auto s = find_locked(labels, fp)) return s;
  if (max_streams > 0 && count_.load(std::memory_order_relaxed) >= max_streams)
    return util::Error{"maximum active stream limit exceeded (" + std::to_string(max_streams) + ")"};
  auto s = std::make_shared<MemStream>(labels, fp);
  by_fingerprint_[fp].push_back(s);
  for (const auto& l : labels) postings_[l.name][l.value].insert(s);
  count_.fetch_add(1, std::memory_order_relaxed);
  return s;
}

std::vector<std::shared_ptr<MemStream>> TenantStreams::all() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<MemStream>> out;
  out.reserve(count_.load(std::memory_order_relaxed));
  for (const auto& [fp, list] : by_fingerprint_) out.insert(out.end(), list.begin(), list.end());
  return out;
}

std::vector<std::shared_ptr<MemStream>> TenantStreams::select(
    const std::vector<std::pair<std::string, std::string>>& equalities,
    const std::function<bool(const MemStream&)>& matches) const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<MemStream>> out;
  const Postings* best = nullptr;
  for (const auto& [name, value] : equalities) {
    auto n = postings_.find(name);
    if (n == postings_.end()) return out;
    auto v = n->second.find(value);
    if (v == n->second.end()) return out;
    if (!best || v->second.size() < best->size()) best = &v->second;
  }
  if (best) {
    for (const auto& s : *best) {
      if (matches(*s)) out.push_back(s);
    }
    return out;
  }
  for (const auto& [fp, list] : by_fingerprint_) {
    for (const auto& s : list) {
      if (matches(*s)) out.push_back(s);
    }
  }
  return out;
}

bool TenantStreams::remove_if_empty(const std::shared_ptr<MemStream>& stream) {
  // The write lock keeps pushers from finding the stream between the check and the erase; a
  // pusher that found it earlier sees `removed` under the stream's lock and looks up again.
  std::unique_lock lock(mu_);
  if (!stream->remove_if_empty()) return false;
  erase_locked(stream);
  return true;
}

size_t TenantStreams::remove_empty(const std::vector<std::shared_ptr<MemStream>>& streams) {
  std::unique_lock lock(mu_);
  std::vector<const std::shared_ptr<MemStream>*> removed;
  removed.reserve(streams.size());
  for (const auto& s : streams)
    if (s->remove_if_empty()) removed.push_back(&s);
  if (removed.empty()) return 0;
  if (removed.size() == count_.load(std::memory_order_relaxed)) {
    // Every stream of the tenant is gone (the caller's list held each one once).
    by_fingerprint_.clear();
    postings_.clear();
    count_.store(0, std::memory_order_relaxed);
    return removed.size();
  }
  for (const auto* s : removed) erase_locked(*s);
  return removed.size();
}

void TenantStreams::erase_locked(const std::shared_ptr<MemStream>& stream) {
  auto it = by_fingerprint_.find(stream->fingerprint());
  if (it == by_fingerprint_.end()) return;
  std::erase(it->second, stream);
  if (it->second.empty()) by_fingerprint_.erase(it);
  for (const auto& l : stream->labels()) {
    auto n = postings_.find(l.name);
    if (n == postings_.end()) continue;
    auto v = n->second.find(l.value);
    if (v == n->second.end()) continue;
    v->second.erase(stream);
    if (v->second.empty()) n->second.erase(v);
    if (n->second.empty()) postings_.erase(n);
  }
  count_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace ingest
