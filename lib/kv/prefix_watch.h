// A watch of a prefix that survives the store going away: it reads the prefix, then streams every
// change from the revision after, and when the stream breaks it reconnects (with backoff) and
// resumes from the revision after the last one it delivered, so nothing is missed or delivered
// twice. When the store no longer has that revision (compacted), or its history went backwards
// (a store re-created from scratch), it reads the whole prefix again and says so with a new
// snapshot. Backend-independent: it only uses KvClient::get_prefix and watch_stream.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "kv/kv_client.h"
#include "util/clock.h"

namespace kv {

struct PrefixWatchHandler {
  // Everything under the prefix at one revision; replaces all state built so far. Called first,
  // and again after a compaction or a loss of history.
  std::function<void(const RangeResult& snapshot)> on_snapshot;
  // Changes after the last snapshot or event, in revision order; `revision` is the last one.
  std::function<void(const std::vector<WatchEvent>& events, int64_t revision)> on_events;
  // A watch stream is established (after a snapshot, or when the store answers again).
  std::function<void(int64_t store_revision)> on_connected;
  // An attempt failed (the store is away, the stream broke); the watch retries after a backoff.
  std::function<void(const util::Error& error)> on_error;
};

struct PrefixWatchOptions {
  int64_t retry_min_ns = 100'000'000;    // first backoff after a failure
  int64_t retry_max_ns = 2'000'000'000;  // the backoff doubles up to this
};

// Runs until `stop` is requested, calling `handler` on this thread. Backoff waits use `clock`.
void run_prefix_watch(KvClient& kv, util::Clock& clock, const std::string& prefix, const PrefixWatchHandler& handler,
                      std::stop_token stop, const PrefixWatchOptions& options = {});

}  // namespace kv
