// Index compaction: a day's many small index files (one per logd flush batch, per writer) merged
// into one, as Loki's compactor does with its TSDB index tables: `logidx compact` and logd's
// compactor. The merged file is published first, then the files it replaces are removed (at
// once on a local store, after the delete delay on a shared bucket: readers that listed them a
// moment ago can still download them). Index files logd flushes meanwhile are not in the
// snapshot and stay; the next run merges them.
//
// Callers hold the maintenance lock. Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "maint/index_update.h"

namespace maint {

struct IndexCompactOptions {
  std::set<int64_t> periods;  // empty: every period
  size_t min_files = 2;       // periods with fewer live index files are left alone
  bool dry_run = false;
};

struct IndexCompactReport {
  size_t periods = 0;   // periods compacted (or, dry run, to compact)
  size_t files_in = 0;  // index files replaced
  ApplyResult applied;
};

util::Result<IndexCompactReport> compact_index(const Target& target, const std::string& tenant,
                                               const IndexCompactOptions& options);

}  // namespace maint
