// Cancellation: how a long piece of work (a query, a tail's backfill) learns that it must stop,
// because its deadline passed (query_timeout) or its caller is gone (the client closed the
// connection, the server shuts down). The work checks it at points it chooses, every N units
// (entries read, blocks decompressed, template steps, evaluation steps), never on every entry:
// check() reads the clock and asks the caller's probe.
//
// Once a check has failed the failure is sticky: every later check(), and status(), returns it,
// so work that stopped early because of it is never mistaken for a complete result.
//
// Thread-safety: every method may be called from any thread (a query split over several
// workers shares one); the probe must be thread-safe too.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "util/clock.h"
#include "util/result.h"

namespace util {

class Cancellation {
 public:
  // Never stops by itself (no deadline); cancel() still works.
  Cancellation();
  // Stops once `clock` reaches `deadline_ns` (ns since the epoch; 0: no deadline).
  Cancellation(const Clock& clock, int64_t deadline_ns);
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  // Asked by check(): returns true once the caller is gone (e.g. the client closed its
  // connection). Set before the work starts.
  void set_probe(std::function<bool()> caller_gone);
  // The caller gave up: the next check() fails with kCancelled.
  void cancel();

  // Ok while the work may go on; kDeadlineExceeded ("context deadline exceeded") or kCancelled
  // ("context canceled"), Go's words as Loki reports them, once it must stop.
  Status check() const;
  // What the checks so far found, without checking again: one atomic load.
  Status status() const;
  bool stopped() const { return state_.load(std::memory_order_relaxed) != kRunning; }

 private:
  enum State : int { kRunning, kCancelled, kDeadline };
  static Status status_of(int state);

  const Clock* clock_ = nullptr;
  int64_t deadline_ns_ = 0;
  std::function<bool()> caller_gone_;
  mutable std::atomic<int> state_{kRunning};
};

// Counts units of work and says when the next check is due: every `every` units, or sooner
// once `bytes` since the last check pass `byte_budget` (large lines make each unit dear).
class CheckInterval {
 public:
  explicit CheckInterval(uint32_t every = 1024, uint64_t byte_budget = 1 << 20)
      : every_(every), byte_budget_(byte_budget) {}
  bool due(uint64_t bytes = 0) {
    bytes_ += bytes;
    if (++n_ < every_ && bytes_ < byte_budget_) return false;
    n_ = 0;
    bytes_ = 0;
    return true;
  }

 private:
  uint32_t every_;
  uint64_t byte_budget_;
  uint32_t n_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace util
