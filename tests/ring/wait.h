// Waiting in real time for what another thread does (a watch applying an event, a loop taking a
// step): never a timing assertion, only a bound so that a hang fails instead of stalling.
#pragma once

#include <chrono>
#include <thread>

namespace ring_test {

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

}  // namespace ring_test
