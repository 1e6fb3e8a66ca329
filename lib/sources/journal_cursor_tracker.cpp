// JournalCursorTracker (see journal_cursor_tracker.h).
#include "sources/journal_cursor_tracker.h"

#include <utility>

namespace sources {

void JournalCursorTracker::handed_on(uint64_t sequence, std::string cursor) {
  in_flight_.emplace_hint(in_flight_.end(), sequence, std::move(cursor));
}

void JournalCursorTracker::filtered(std::string cursor) {
  if (in_flight_.empty()) {
    settled_ = std::move(cursor);
    moved_ = true;
  } else {
    in_flight_.rbegin()->second = std::move(cursor);  // settled together with the newest entry
  }
}

std::optional<std::string> JournalCursorTracker::advance(uint64_t acknowledged) {
  auto end = in_flight_.upper_bound(acknowledged);
  if (end != in_flight_.begin()) {
    settled_ = std::move(std::prev(end)->second);
    in_flight_.erase(in_flight_.begin(), end);
    moved_ = true;
  }
  if (!moved_) return std::nullopt;
  moved_ = false;
  return settled_;
}

}  // namespace sources
