// Checking that a tenant's index and chunk files agree: `logidx verify`.
//
// Problems found: index files that do not validate (a truncated or corrupt object, named by its
// key); refs whose chunk is missing, corrupt, of another tenant or stream, or disagrees with the
// ref (time range, entry count); chunks that overlap a period whose index does not list them;
// and chunks no index refers to. Because logd stores a chunk shortly before the index file
// naming it, unindexed chunks younger than a grace period are not reported, nor are chunks a
// pending-deletion marker names.
// Callers hold the maintenance lock (a concurrent compaction would make refs disappear).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "maint/chunk_rewrite.h"

namespace maint {

struct VerifyOptions {
  int64_t now = 0;                               // ns, for the grace period
  int64_t grace = int64_t{300} * 1000000000;     // ns
  bool check_blocks = true;                      // decompress every block (else headers only)
  bool remove_orphans = false;                   // delete unindexed chunk files
};

struct VerifyReport {
  size_t index_files = 0;
  size_t refs = 0;
  size_t chunk_files = 0;
  std::vector<std::string> problems;  // one line each, naming the file
  std::vector<std::string> orphans;   // unindexed chunk files (relative), older than the grace
  size_t orphans_removed = 0;
  bool ok() const { return problems.empty() && orphans.empty(); }
};

util::Result<VerifyReport> verify_index(const Target& target, const std::string& tenant,
                                        const VerifyOptions& options, const Progress& progress = {});

}  // namespace maint
