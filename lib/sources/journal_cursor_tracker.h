// JournalCursorTracker: which journal cursor may be saved in the positions file. The journal
// reader numbers the entries it hands on 1, 2, 3...; the clients acknowledge them by number
// (possibly much later, e.g. while logd is down). Only the cursor of an entry below which
// everything was acknowledged may be saved, or a restart would skip undelivered entries.
//
// Entries the reader filters out itself (no MESSAGE, dropped by relabeling) are never
// acknowledged; their cursor rides along with the entry handed on just before them, so that a
// long run of filtered entries is not read again after a restart.
//
// Thread-safety: none; the journal reader uses it from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sources {

class JournalCursorTracker {
 public:
  // Entry `sequence` (ascending) at `cursor` was handed on and awaits acknowledgement.
  void handed_on(uint64_t sequence, std::string cursor);
  // The entry at `cursor` was filtered out: it is settled as soon as what precedes it is.
  void filtered(std::string cursor);
  // Every entry numbered up to `acknowledged` was delivered: the cursor to save now, if it
  // moved since the last call.
  std::optional<std::string> advance(uint64_t acknowledged);
  size_t in_flight() const { return in_flight_.size(); }

 private:
  std::map<uint64_t, std::string> in_flight_;  // sequence -> cursor, handed on, unacknowledged
  std::string settled_;                         // the newest cursor with nothing before it in flight
  bool moved_ = false;
};

}  // namespace sources
