// AckRouter: turns the clients' batch acknowledgements into file positions. Each tailed file
// incarnation (a tail::FileCursor) gets a source id; every entry handed to a client is recorded
// in that client's client::AckTracker, and a file's cursor is acknowledged up to the offset
// below which every client has settled everything (with several `clients`, the slowest one
// decides, so no client ever misses a line after a restart). Lines that never reach a client
// (dropped by a pipeline stage) are settled at once, or positions would stall behind them.
//
// Thread-safety: source_for(), pushed(), settle_unsent() and forget_idle() are called by the
// pipeline thread; on_outcome() by the clients' sender threads; all may run concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "client/ack_tracker.h"
#include "client/entry.h"
#include "tail/tailed_line.h"

namespace logtail {

class AckRouter {
 public:
  explicit AckRouter(size_t clients);

  // The source id of `cursor` (assigned on first sight; never 0).
  uint64_t source_for(const std::shared_ptr<tail::FileCursor>& cursor);
  // Records an entry about to be handed to client `client` (in read order per source).
  void pushed(size_t client, client::SourcePosition position);
  // The line at `position` will reach no client (dropped by the pipeline): settled everywhere.
  void settle_unsent(client::SourcePosition position);
  // A batch's fate, from client `client`'s AckCallback.
  void on_outcome(size_t client, const client::BatchOutcome& outcome);
  // Forgets sources whose file is no longer tailed and that have nothing in flight.
  void forget_idle();
  // Acknowledges `offset` directly (shutdown after every client settled everything).
  void acknowledge(uint64_t source, int64_t offset);

 private:
  void advance(uint64_t source);

  std::vector<std::unique_ptr<client::AckTracker>> trackers_;
  std::mutex mu_;  // guards the maps below
  std::unordered_map<const tail::FileCursor*, uint64_t> ids_;
  std::unordered_map<uint64_t, std::shared_ptr<tail::FileCursor>> cursors_;
  uint64_t next_id_ = 1;
};

}  // namespace logtail
