// Records what a prefix watch delivers, rebuilding the prefix's contents from it: for the watch
// tests against the in-memory store and against a real etcd.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kv/prefix_watch.h"

namespace kv_test {

struct WatchRecorder {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::string> contents;
  std::vector<std::string> log;  // "put <key>" / "delete <key>", in order (snapshots not listed)
  int snapshots = 0;
  int errors = 0;
  int connected = 0;

  kv::PrefixWatchHandler handler() {
    kv::PrefixWatchHandler h;
    h.on_snapshot = [this](const kv::RangeResult& r) {
      std::lock_guard lock(mu);
      contents.clear();
      for (const auto& kv : r.kvs) contents[kv.key] = kv.value;
      ++snapshots;
      cv.notify_all();
    };
    h.on_events = [this](const std::vector<kv::WatchEvent>& events, int64_t) {
      std::lock_guard lock(mu);
      for (const auto& e : events) {
        bool deleted = e.type == kv::WatchEvent::Type::kDelete;
        log.push_back((deleted ? "delete " : "put ") + e.kv.key);
        if (deleted) {
          contents.erase(e.kv.key);
        } else {
          contents[e.kv.key] = e.kv.value;
        }
      }
      cv.notify_all();
    };
    h.on_error = [this](const util::Error&) {
      std::lock_guard lock(mu);
      ++errors;
      cv.notify_all();
    };
    h.on_connected = [this](int64_t) {
      std::lock_guard lock(mu);
      ++connected;
      cv.notify_all();
    };
    return h;
  }

  // Waits (real time, bounded) until `pred` holds; pred runs under the lock.
  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, pred);
  }
  // Runs `f` under the lock.
  template <class F>
  auto with(F f) {
    std::lock_guard lock(mu);
    return f();
  }
};

}  // namespace kv_test
