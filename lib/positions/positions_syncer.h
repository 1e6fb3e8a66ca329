// PositionsSyncer: writes a PositionsStore to its file every positions.sync_period, on its own
// thread and on the injected clock, as Promtail's positions package does with its ticker. A
// failed write is retried at the next period; the owner's PositionsStore::close() writes the
// final state after stop().
//
// Thread-safety: construct and stop() from one controlling thread.
#pragma once

#include <cstdint>
#include <thread>

#include "positions/positions_store.h"
#include "util/clock.h"

namespace positions {

class PositionsSyncer {
 public:
  // Starts syncing `store` every `period_ns` (at least 1ms). `store` and `clock` must outlive it.
  PositionsSyncer(PositionsStore& store, int64_t period_ns, util::Clock& clock);
  ~PositionsSyncer();  // stop()
  PositionsSyncer(const PositionsSyncer&) = delete;
  PositionsSyncer& operator=(const PositionsSyncer&) = delete;

  // Ends the thread without a last sync (a sleep in progress ends at once).
  void stop();

 private:
  std::jthread thread_;
};

}  // namespace positions
