// AckRouter (see ack_router.h).
#include "logtail/ack_router.h"

#include <algorithm>
#include <set>

namespace logtail {

AckRouter::AckRouter(size_t clients) {
  for (size_t i = 0; i < std::max<size_t>(clients, 1); ++i) trackers_.push_back(std::make_unique<client::AckTracker>());
}

uint64_t AckRouter::source_for(const std::shared_ptr<tail::FileCursor>& cursor) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = ids_.try_emplace(cursor.get(), 0);
  if (inserted) {
    it->second = next_id_++;
    cursors_.emplace(it->second, cursor);  // keeps the cursor (and so its address) alive
  }
  return it->second;
}

void AckRouter::pushed(size_t client, client::SourcePosition position) { trackers_[client]->pushed(position); }

void AckRouter::settle_unsent(client::SourcePosition position) {
  if (position.source == 0) return;
  std::vector<client::SourcePosition> one{position};
  for (auto& t : trackers_) {
    t->pushed(position);
    t->settled(one);
  }
  advance(position.source);
}

void AckRouter::on_outcome(size_t client, const client::BatchOutcome& outcome) {
  trackers_[client]->settled(outcome.positions);
  uint64_t last = 0;
  for (const auto& p : outcome.positions) {  // positions come grouped per source, mostly
    if (p.source == 0 || p.source == last) continue;
    last = p.source;
    advance(p.source);
  }
}

void AckRouter::advance(uint64_t source) {
  std::optional<int64_t> low;
  for (auto& t : trackers_) {
    auto c = t->committed(source);
    if (!c) return;  // some client has settled nothing of this file yet
    low = low ? std::min(*low, *c) : *c;
  }
  std::shared_ptr<tail::FileCursor> cursor;
  {
    std::lock_guard lock(mu_);
    auto it = cursors_.find(source);
    if (it == cursors_.end()) return;
    cursor = it->second;
  }
  cursor->acknowledge(*low);
}

void AckRouter::acknowledge(uint64_t source, int64_t offset) {
  std::lock_guard lock(mu_);
  auto it = cursors_.find(source);
  if (it != cursors_.end()) it->second->acknowledge(offset);
}

void AckRouter::forget_idle() {
  std::vector<uint64_t> idle;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, cursor] : cursors_) {
      if (cursor.use_count() > 1) continue;  // its tailer (or a queued line) still holds it
      bool busy = false;
      for (auto& t : trackers_) busy = busy || t->in_flight(id) > 0;
      if (!busy) idle.push_back(id);
    }
    for (uint64_t id : idle) {
      ids_.erase(cursors_[id].get());
      cursors_.erase(id);
    }
  }
  for (uint64_t id : idle) {
    for (auto& t : trackers_) t->forget(id);
  }
}

}  // namespace logtail
