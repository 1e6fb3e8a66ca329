#include "kv/prefix_watch.h"

#include <algorithm>

namespace kv {

void run_prefix_watch(KvClient& kv, util::Clock& clock, const std::string& prefix, const PrefixWatchHandler& handler,
                      std::stop_token stop, const PrefixWatchOptions& options) {
  int64_t next_revision = 0;  // the first revision not delivered yet
  bool need_snapshot = true;
  int64_t backoff = options.retry_min_ns;
  auto fail = [&](const util::Error& error) {
    if (handler.on_error) handler.on_error(error);
    clock.sleep_for(backoff, stop);
    backoff = std::min(backoff * 2, options.retry_max_ns);
  };

  while (!stop.stop_requested()) {
    if (need_snapshot) {
      auto snapshot = kv.get_prefix(prefix);
      if (!snapshot.ok()) {
        fail(snapshot.status_error());
        continue;
      }
      need_snapshot = false;
      next_revision = snapshot->revision + 1;
      if (handler.on_snapshot) handler.on_snapshot(*snapshot);
    }

    // The stream also ends when the store's history is found to have gone backwards.
    std::stop_source stream_stop;
    std::stop_callback forward(stop, [&] { stream_stop.request_stop(); });
    bool history_lost = false;
    WatchStreamCallbacks callbacks;
    callbacks.on_created = [&](int64_t store_revision) {
      if (store_revision < next_revision - 1) {
        history_lost = true;
        stream_stop.request_stop();
        return;
      }
      backoff = options.retry_min_ns;
      if (handler.on_connected) handler.on_connected(store_revision);
    };
    callbacks.on_events = [&](const std::vector<WatchEvent>& events, int64_t revision) {
      int64_t last = revision;
      for (const auto& e : events) last = std::max(last, e.kv.mod_revision);
      // A resumed stream never repeats what was delivered; drop it if a backend does.
      std::vector<WatchEvent> fresh;
      for (const auto& e : events) {
        if (e.kv.mod_revision >= next_revision) fresh.push_back(e);
      }
      next_revision = std::max(next_revision, last + 1);
      if (!fresh.empty() && handler.on_events) handler.on_events(fresh, last);
    };

    auto end = kv.watch_stream(prefix, next_revision, callbacks, stream_stop.get_token());
    if (stop.stop_requested()) return;
    if (history_lost) {
      need_snapshot = true;
      continue;
    }
    if (!end.ok()) {
      fail(end.status_error());
      continue;
    }
    if (end->compacted) {
      need_snapshot = true;
      continue;
    }
    fail(util::unavailable("watch of " + prefix + " on " + kv.describe() + " ended"));
  }
}

}  // namespace kv
