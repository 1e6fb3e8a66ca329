// TargetManager: turns file targets (label sets carrying `__path__`, after relabeling) into
// running FileTailers, as Promtail's file target manager does:
// - every sync_period (and at start) each `__path__` glob is expanded again, matches of
//   `__path_exclude__` removed, relative paths made absolute; tailers start for new files and
//   stop for files unmatched at two periodic syncs in a row (their positions entry is removed, as
//   Promtail does; Promtail stops at the first, which can cut a rename-then-create rotation short);
// - the directories of every glob are watched from the start (inotify), including the deepest
//   existing directory of a prefix that does not exist yet and directories that appear later
//   below a `*` or `**`: a file that appears matching a glob is tailed within milliseconds, not
//   at the next sync, so a file created and rotated away between two syncs is read in full;
// - every line's labels are the target's labels without `__`-prefixed ones, plus
//   `filename="<absolute path>"`; a target without `__path__` is dropped;
// - one thread polls every tailer with one shared 64 KiB read buffer, woken by inotify on the
//   files' directories, by wake() (the consumer has room again) or by the poll timer, which
//   starts at file_watch_config.min_poll_frequency and backs off to max_poll_frequency while
//   nothing changes (the fallback when inotify misses something or is unavailable);
// - acknowledged offsets go to the PositionsStore (with the file's identity) as they advance and
//   on stop(); the store's own sync writes them to disk.
// A path matched by several targets is tailed once, with the labels of the first target. A file
// whose target's labels change (a relabelled Kubernetes pod) keeps its tailer and position;
// lines read afterwards carry the new labels.
//
// Thread-safety: set_targets(), wake(), stats(), files_active() and render_metrics() may be called
// from any thread; start() and stop() from one controlling thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "model/labels.h"
#include "model/time.h"
#include "positions/positions_store.h"
#include "tail/file_tailer.h"
#include "tail/tailed_line.h"
#include "util/clock.h"
#include "util/result.h"

namespace tail {

struct TargetManagerOptions {
  int64_t sync_period_ns = 10 * model::kNanosPerSecond;       // target_config.sync_period
  int64_t min_poll_ns = 250 * model::kNanosPerMilli;          // file_watch_config.min_poll_frequency
  int64_t max_poll_ns = 250 * model::kNanosPerMilli;          // file_watch_config.max_poll_frequency
  size_t read_buffer_bytes = 64 * 1024;                       // the one shared read buffer
  size_t poll_byte_budget = 1 << 20;                          // per file and turn, for fairness
  bool use_inotify = true;                                    // false: polling only
  util::Clock* clock = nullptr;  // read times of lines (their timestamps); null: the system clock
};

// Per-file numbers for /metrics and /targets.
struct FileStats {
  std::string path;
  int64_t read_offset = 0;   // promtail_read_bytes_total{path}
  uint64_t lines_read = 0;   // promtail_read_lines_total{path}
  int64_t file_size = 0;     // promtail_file_bytes_total{path}
  int64_t acknowledged = 0;  // what the positions file may record
  model::LabelSet labels;
};

class TargetManager {
 public:
  // `positions` and `consumer` must outlive the manager.
  TargetManager(TargetManagerOptions options, positions::PositionsStore* positions, LineConsumer* consumer);
  ~TargetManager();  // stop()
  TargetManager(const TargetManager&) = delete;
  TargetManager& operator=(const TargetManager&) = delete;

  // Replaces the targets (each a label set after relabeling). Errors on a malformed glob, naming
  // it. Takes effect at the next sync, which this triggers at once.
  util::Status set_targets(const std::vector<model::LabelSet>& targets);

  void start();
  // Stops the thread, closes every file and records the acknowledged positions.
  void stop();
  // Wakes the polling thread (e.g. the consumer has room again).
  void wake();

  std::vector<FileStats> stats() const;
  size_t files_active() const;
  // Prometheus text format: promtail_read_bytes_total, promtail_read_lines_total,
  // promtail_file_bytes_total (gauges/counter per path) and promtail_files_active_total.
  std::string render_metrics() const;

 private:
  struct Target {
    std::string path_pattern, exclude_pattern;
    std::string absolute_pattern;  // path_pattern made absolute: for matching inotify events
    model::LabelSet labels;        // without `__` labels
  };
  void run();
  // Globs every target; `periodic` syncs also stop tailers unmatched twice in a row (a sync on
  // an inotify event only adds files, so a burst of events cannot end a rotation's tailer).
  void sync_files(bool periodic);
  // The directories to watch: those of every glob (glob_watch_dirs) and of every tailed file.
  std::set<std::string> watch_dirs() const;
  // Whether a new entry `path` in a watched directory may be a file to tail.
  bool may_match(const std::string& path) const;
  bool poll_files(bool all);
  void record_positions();

  const TargetManagerOptions options_;
  positions::PositionsStore* const positions_;
  LineConsumer* const consumer_;

  mutable std::mutex mu_;  // guards targets_, tailers_, sync_requested_, stopping_
  std::condition_variable cv_;
  std::vector<Target> targets_;
  std::map<std::string, std::unique_ptr<FileTailer>> tailers_;
  std::map<std::string, std::pair<int64_t, uint64_t>> recorded_;  // guarded by mu_: last (offset, inode) put
  std::map<std::string, int> missed_syncs_;  // guarded by mu_: consecutive syncs a path was unmatched
  bool sync_requested_ = true;
  bool stopping_ = false;

  int wake_fd_ = -1;  // eventfd: wake() -> poll() returns
  std::thread thread_;
};

}  // namespace tail
