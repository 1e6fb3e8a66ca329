#include "client/ack_tracker.h"

#include <algorithm>

namespace client {

void AckTracker::pushed(SourcePosition position) {
  if (position.source == 0) return;
  std::lock_guard lock(mu_);
  Source& s = sources_[position.source];
  s.pending.push_back({position.offset, false});
  ++s.unsettled;
}

void AckTracker::advance(Source& s) {
  while (!s.pending.empty() && s.pending.front().settled) {
    s.committed = s.pending.front().offset;
    s.pending.pop_front();
  }
}

void AckTracker::settled(const std::vector<SourcePosition>& positions) {
  std::lock_guard lock(mu_);
  Source* s = nullptr;
  uint64_t current = 0;
  size_t next = 0;  // where the entry after the last one found sits: a batch's positions are consecutive
  for (const SourcePosition& p : positions) {
    if (p.source == 0) continue;
    if (p.source != current) {
      if (s) advance(*s);
      auto it = sources_.find(p.source);
      s = it == sources_.end() ? nullptr : &it->second;
      current = p.source;
      next = 0;
    }
    if (!s) continue;  // forgotten meanwhile
    size_t i = next;
    if (i >= s->pending.size() || s->pending[i].offset != p.offset) {
      // Offsets ascend within a source: binary search for the entry.
      auto it = std::lower_bound(s->pending.begin(), s->pending.end(), p.offset,
                                 [](const Pending& e, int64_t off) { return e.offset < off; });
      i = static_cast<size_t>(it - s->pending.begin());
    }
    if (i < s->pending.size() && s->pending[i].offset == p.offset && !s->pending[i].settled) {
      s->pending[i].settled = true;
      --s->unsettled;
      next = i + 1;
    }
  }
  if (s) advance(*s);
}

std::optional<int64_t> AckTracker::committed(uint64_t source) const {
  std::lock_guard lock(mu_);
  auto it = sources_.find(source);
  return it == sources_.end() ? std::nullopt : it->second.committed;
}

size_t AckTracker::in_flight(uint64_t source) const {
  std::lock_guard lock(mu_);
  auto it = sources_.find(source);
  return it == sources_.end() ? 0 : it->second.unsettled;
}

void AckTracker::forget(uint64_t source) {
  std::lock_guard lock(mu_);
  sources_.erase(source);
}

}  // namespace client
