// Turns the client's per-batch acknowledgements into positions safe to save: for each source,
// the offset up to which every pushed entry has been settled (accepted or dropped for good).
// Batches of different tenants complete out of order, so an ack for a later entry must not move
// a source's position past an earlier entry still in flight.
//
// Use: pushed() for each entry as it is handed to Client::push (in read order per source);
// settled() from the AckCallback; committed() when writing the positions file.
// Thread-safe (one mutex): producers, the client's sender thread and the positions syncer may
// call concurrently.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "client/entry.h"

namespace client {

class AckTracker {
 public:
  // Records an entry in flight. Offsets of one source must increase.
  void pushed(SourcePosition position);
  // Marks entries settled (from a BatchOutcome's positions).
  void settled(const std::vector<SourcePosition>& positions);
  // The highest offset of `source` below which nothing is in flight; nullopt when nothing of it
  // has been settled yet.
  std::optional<int64_t> committed(uint64_t source) const;
  // Entries of `source` pushed but not yet settled.
  size_t in_flight(uint64_t source) const;
  // Forgets a source (its file is gone and its position deleted).
  void forget(uint64_t source);

 private:
  struct Pending {
    int64_t offset;
    bool settled;
  };
  struct Source {
    std::deque<Pending> pending;  // in push order, so offsets ascend
    std::optional<int64_t> committed;
    size_t unsettled = 0;
  };
  void advance(Source& s);

  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Source> sources_;
};

}  // namespace client
