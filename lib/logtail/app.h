// App: logtail assembled from a Config. Promtail's data path, with positions that only move
// past acknowledged data:
//
//   static_configs --relabel--> tail::TargetManager (one per scrape config, re-globbing every
//   target_config.sync_period) --> ScrapeLineQueue (bounded) --> pipeline thread (the scrape
//   config's stages; buffered stages flushed every 100ms) --> every client::Client (fan-out)
//   --batch acks--> AckRouter --> FileCursor::acknowledge --> PositionsStore (synced every
//   positions.sync_period and at shutdown).
//
// When a client cannot deliver (logd down), its bounded queue fills, the pipeline thread blocks
// in push(), the line queue fills, and tailers stop reading: memory stays bounded, and since
// positions only record acknowledged offsets, a restart resumes without loss.
//
// With -stdin, lines of standard input go through the first scrape config's pipeline instead
// (Promtail's stdin target); stdin_finished() turns true once all of it was handed to the
// clients. With -dry-run, entries are printed (see dry_run.h) instead of pushed, and the
// positions file is read but never written.
//
// Thread-safety: start() and stop() from one controlling thread; ready(), render_metrics(),
// render_targets() and stdin_finished() from any thread (the HTTP handlers).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "logtail/config.h"
#include "util/clock.h"
#include "util/result.h"

namespace logtail {

struct AppOptions {
  bool dry_run = false;
  bool read_stdin = false;        // -stdin (target_config.stdin also turns it on)
  int stdin_fd = 0;               // where -stdin reads
  std::FILE* dry_run_out = stdout;
  std::string hostname;           // for `__host__` and the stdin labels; empty: gethostname()
  std::chrono::milliseconds shutdown_timeout{10'000};  // bound on flushing clients at stop()
  size_t queue_max_lines = 8192;  // lines read but not yet through the pipeline
  size_t queue_max_bytes = 8 << 20;
  size_t client_queue_bytes = 4 << 20;  // per client, see client::ClientOptions
  bool use_inotify = true;
  // The one source of time (line timestamps, positions sync, pipeline flushes, stage clocks);
  // cmd/logtail passes the system clock, tests a FakeClock. Must outlive the App.
  util::Clock* clock = &util::system_clock();
};

class App {
 public:
  // Compiles pipelines, creates clients, opens the positions file. Errors name the scrape
  // config or client at fault.
  static util::Result<std::unique_ptr<App>> create(Config config, AppOptions options);
  ~App();  // stop()
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Starts the tailers (or the stdin reader), the pipeline thread and the positions syncer.
  util::Status start();
  // Stops reading, runs what was read through the pipelines, flushes the clients (bounded by
  // shutdown_timeout), records acknowledged positions and syncs the positions file. Returns
  // false when something could not be delivered in time (it will be read again at restart).
  bool stop();

  // Promtail's readiness: a target manager has found files to tail (always true for stdin).
  bool ready() const;
  bool stdin_finished() const;
  // The /metrics body: file, client and pipeline metrics in the Prometheus text format.
  std::string render_metrics() const;
  // The /targets page (plain text): per job, active files with their labels and offsets, and
  // dropped targets with the reason.
  std::string render_targets() const;

  // The running configuration; the reference is valid until the next reload().
  const Config& config() const;

  // Promtail's reload (SIGHUP, POST /reload): replaces the scrape configs and clients with
  // `next`'s. The running targets are stopped first as stop() does (what the clients
  // acknowledged is synced to the positions file), then the new ones start from those
  // positions, so nothing acknowledged is read twice and nothing unacknowledged is lost. When
  // `next` cannot be built or started, the previous configuration is started again and the
  // error is returned. server, positions.filename and the AppOptions keep their first values.
  // Callable from any thread; the getters wait while a reload runs.
  util::Status reload(Config next);

  struct Impl;

 private:
  explicit App(std::unique_ptr<Impl> impl);
  util::Status start_locked();
  bool stop_locked();

  mutable std::shared_mutex mu_;  // exclusive for start/stop/reload, shared for the getters
  std::unique_ptr<Impl> impl_;
};

}  // namespace logtail
