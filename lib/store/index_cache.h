// IndexCache: the opened index files of each (tenant, period) directory, kept across queries.
//
// Index files are immutable and only ever added (or, by a future compactor, removed), so a
// cached set stays correct until the directory changes. get() stat()s the directory and re-lists
// it when its mtime moved, when the mtime is too recent to trust (file systems with coarse
// timestamps could hide a second file written in the same tick), or when this process wrote to
// it (invalidate()). Re-listing opens only the new files; readers of files still present are
// reused. A file that fails validation is reported once and ignored, so one bad index file
// hides only its own batch.
//
// Thread-safe. Sets are handed out as shared_ptr snapshots that stay usable after a refresh.
#pragma once

#include <time.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "index/index_set.h"

namespace store {

class IndexCache {
 public:
  IndexCache(std::function<void(const std::string&)> warn, std::atomic<uint64_t>* corrupt_index_files);

  // The periods in [first, last] that have a directory under `index_dir` (<tenant>/index), sorted.
  std::vector<int64_t> periods(const std::string& index_dir, int64_t first, int64_t last) const;

  // The index files of one period directory (empty if it does not exist).
  std::shared_ptr<const idx::IndexSet> get(const std::string& period_dir);

  // Forces the next get() of `period_dir` to re-list it (called after this process wrote there).
  void invalidate(const std::string& period_dir);

 private:
  struct Entry {
    std::mutex mu;  // serialises refreshes of this directory
    struct timespec mtime {};
    bool listed = false;
    std::atomic<bool> stale{false};
    std::map<std::string, idx::IndexReader> readers;  // by file name
    std::set<std::string> bad;                        // names that failed to open
    std::shared_ptr<const idx::IndexSet> set = std::make_shared<idx::IndexSet>();
  };
  Entry& entry(const std::string& dir);
  void refresh(const std::string& dir, Entry& e, const struct timespec& mtime);

  std::function<void(const std::string&)> warn_;
  std::atomic<uint64_t>* corrupt_index_files_;
  std::mutex mu_;  // guards entries_ (the map, not the entries)
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace store
