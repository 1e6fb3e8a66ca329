#include "positions/positions_syncer.h"

#include <algorithm>

namespace positions {

PositionsSyncer::PositionsSyncer(PositionsStore& store, int64_t period_ns, util::Clock& clock) {
  const int64_t period = std::max<int64_t>(period_ns, 1'000'000);
  thread_ = std::jthread([&store, &clock, period](std::stop_token stop) {
    while (clock.sleep_for(period, stop)) (void)store.sync();
  });
}

PositionsSyncer::~PositionsSyncer() { stop(); }

void PositionsSyncer::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace positions
