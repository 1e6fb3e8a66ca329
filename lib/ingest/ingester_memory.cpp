// IngesterImpl: the memory ceiling (IngesterOptions::memory_ceiling). Loki has no such ceiling;
// an ingester there grows until the kernel kills it. Here a push that would pass the ceiling
// first flushes the oldest streams early, and is refused (429) only when that cannot make room.
#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "ingest/ingester_impl.h"

namespace ingest {

namespace {

// Flushing early goes this far below the ceiling (a tenth of it), so that a steady stream of
// pushes near the ceiling does not flush on every push.
uint64_t flush_goal(uint64_t ceiling, uint64_t incoming) {
  uint64_t room = incoming + ceiling / 10;
  return room >= ceiling ? 0 : ceiling - room;
}

}  // namespace

util::Status IngesterImpl::make_room(uint64_t incoming) {
  const uint64_t ceiling = options_.memory_ceiling;
  auto held = [&] { return static_cast<uint64_t>(std::max<int64_t>(memory_bytes_.load(), 0)); };
  if (ceiling == 0 || held() + incoming <= ceiling) return {};
  util::Status flushed;
  if (incoming <= ceiling) {
    std::lock_guard lock(flush_mu_);
    // Another push may have made room while this one waited for the lock.
    if (held() + incoming > ceiling) flushed = flush_oldest(flush_goal(ceiling, incoming));
  }
  if (held() + incoming <= ceiling) return {};
  memory_refusals_.fetch_add(1);
  std::string why = incoming > ceiling
                        ? "the push alone needs " + std::to_string(incoming) + " bytes"
                        : "flushing the oldest chunks early did not free enough" +
                              (flushed.ok() ? std::string() : " (" + flushed.error() + ")");
  return util::rate_limited("ingester memory ceiling reached: " + std::to_string(held()) +
                            " bytes of log data in memory, ingester.memory_ceiling is " + std::to_string(ceiling) +
                            " bytes, and " + why + "; retry later");
}

util::Status IngesterImpl::flush_oldest(uint64_t goal) {
  struct Candidate {
    int64_t oldest;
    std::string tenant;
    std::shared_ptr<TenantStreams> streams;
    std::shared_ptr<MemStream> stream;
  };
  const int64_t t = now();
  std::vector<Candidate> candidates;
  for (const auto& [tenant, streams] : all_tenants()) {
    if (t < backoff_[tenant].next_attempt) continue;  // its store writes fail: do not retry on every push
    for (auto& s : streams->all())
      if (auto oldest = s->oldest_data()) candidates.push_back({*oldest, tenant, streams, std::move(s)});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.oldest < b.oldest; });
  auto held = [&] { return static_cast<uint64_t>(std::max<int64_t>(memory_bytes_.load(), 0)); };
  util::Status result;
  std::set<std::string> failed;  // tenants whose write failed in this pass
  size_t i = 0;
  while (i < candidates.size() && held() > goal) {
    // The oldest streams that together hold what must go, written as one batch per tenant.
    const uint64_t excess = held() - goal;
    uint64_t group_bytes = 0;
    std::map<std::string, std::vector<std::shared_ptr<MemStream>>> by_tenant;
    for (; i < candidates.size() && group_bytes < excess; ++i) {
      Candidate& c = candidates[i];
      if (failed.count(c.tenant)) continue;
      group_bytes += c.stream->memory_bytes();
      if (auto st = cut_stream(c.tenant, *c.stream, t, true); !st.ok() && result.ok()) result = st;
      by_tenant[c.tenant].push_back(c.stream);
    }
    for (const auto& [tenant, streams] : by_tenant) {
      uint64_t before = chunks_flushed_.load();
      auto st = write_cut_chunks(tenant, streams, t);
      memory_early_flushes_.fetch_add(chunks_flushed_.load() - before);
      if (!st.ok()) {
        failed.insert(tenant);
        if (result.ok()) result = st;
        continue;
      }
      auto owner = find_tenant(tenant);
      for (const auto& s : streams)
        if (owner) owner->remove_if_empty(s);
    }
  }
  return result;
}

}  // namespace ingest
