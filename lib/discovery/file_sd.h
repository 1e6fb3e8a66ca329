// File-based service discovery (Prometheus's file_sd_configs): files matching `files` patterns
// hold lists of target groups, in JSON (.json) or YAML (.yml, .yaml):
//   [{"targets": ["host:9100"], "labels": {"env": "prod"}}]
// Each target becomes a label set with `__address__`; every group gets `__meta_filepath` (the
// file it came from) and the source "<path>:<index>". Files are re-read every refresh_interval
// and whenever inotify reports a change in a watched directory. As in Prometheus, a file that
// cannot be read or parsed keeps its previous groups; a file that disappears (or now has fewer
// groups) has its groups reported empty, so their targets go away.
//
// Thread-safety: parse_target_groups and validate_file_sd_pattern are pure. FileDiscovery runs
// one thread; start()/stop() from one controlling thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "discovery/target_group.h"
#include "model/time.h"
#include "util/result.h"

namespace discovery {

// Prometheus's rule for a file_sd pattern: a `*` only in the last path component, and a .json,
// .yml or .yaml extension. Errors name the pattern.
util::Status validate_file_sd_pattern(std::string_view pattern);

// Parses one file's content; `path` decides the format (by extension) and fills __meta_filepath
// and the sources. Errors: invalid JSON/YAML, a group that is not {targets, labels}, an unknown
// key, an invalid label name.
util::Result<std::vector<TargetGroup>> parse_target_groups(std::string_view content, const std::string& path);

struct FileDiscoveryOptions {
  std::vector<std::string> patterns;
  int64_t refresh_interval_ns = 5 * model::kNanosPerMinute;
  bool use_inotify = true;
};

class FileDiscovery : public Discoverer {
 public:
  explicit FileDiscovery(FileDiscoveryOptions options);
  ~FileDiscovery() override;
  void start(UpdateCallback on_update) override;
  void stop() override;

  // One refresh, synchronously: re-reads every matching file and returns the groups that changed
  // (what the thread passes to on_update). Not to be called while the thread runs.
  std::vector<TargetGroup> refresh();

 private:
  void run();
  std::vector<std::string> list_files() const;
  std::vector<std::string> watched_dirs() const;

  const FileDiscoveryOptions options_;
  UpdateCallback on_update_;
  std::map<std::string, std::vector<TargetGroup>> last_;  // per file: the groups last reported

  std::mutex mu_;
  bool stopping_ = false;  // guarded by mu_
  int wake_fd_ = -1;       // eventfd: stop() interrupts poll()
  std::thread thread_;
};

}  // namespace discovery
