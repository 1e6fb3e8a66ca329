// Deferred deletions on a shared bucket. A maintenance run that replaces objects (a compaction
// merging a day's index files, retention, deletes, chunk rewrites) publishes the replacements
// first; the objects replaced are then deleted at once on a local store, or, with a delete delay,
// recorded in a small marker object <tenant>/deletes/<deadline ns>-<writer id>-<n>.txt and
// deleted by the first maintenance run (logd's compactor, or any logidx or logchunk command)
// after the deadline. Readers that listed an index file a moment before it was replaced can
// still download it and the chunks it names for that long; past it they re-list (a vanished
// object is a reason to list again, not an error).
//
// Maintenance snapshots leave out the index files a marker names (their content is in the
// replacement already), and `logidx verify` does not report the chunks a marker names as
// unindexed. A chunk a marker names is deleted only if no live index file refers to it when
// the deadline comes (logd may have flushed the same content again meanwhile).
//
// Markers are written and read with the bucket only; thread-compatible.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "maint/target.h"

namespace maint {

// What one marker names: keys relative to the tenant ("index/<day>/<name>"), and chunk ref paths.
struct PendingDeletion {
  std::string key;  // the marker's own key
  int64_t deadline_ns = 0;
  std::vector<std::string> index_files;  // "index/<day>/<name>.idx"
  std::vector<std::string> chunks;       // "<day>/<name>.chunk"
};

// Every marker of `tenant` (unparsable lines are skipped).
util::Result<std::vector<PendingDeletion>> list_pending_deletions(const Target& target, const std::string& tenant);

// Writes one marker with deadline now + target.delete_delay_ns.
util::Status defer_deletion(const Target& target, const std::string& tenant, const std::vector<std::string>& index_files,
                            const std::vector<std::string>& chunks);

struct SettleReport {
  size_t markers = 0;            // markers past their deadline, done and removed
  size_t index_files_removed = 0;
  size_t chunks_removed = 0;
  std::vector<std::string> chunks_kept;  // a live index file refers to them again
};

// Carries out the markers of `tenant` whose deadline has passed.
util::Result<SettleReport> settle_pending_deletions(const Target& target, const std::string& tenant);

}  // namespace maint
