// Recreating a tenant's index from its chunk objects: `logidx rebuild`.
//
// Every chunk file of the tenant is read and checked (a corrupt one is left out and reported);
// each period to rebuild gets one new index file listing the chunks that overlap it, and the
// index files read before are removed (files logd flushes meanwhile stay: see index_update.h).
// Note that every chunk file comes back into the index, including files a maintenance run
// interrupted before its last step left behind. Callers hold the maintenance lock.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "maint/chunk_rewrite.h"

namespace maint {

struct RebuildOptions {
  std::set<int64_t> periods;  // periods to rebuild; empty: all (chunk and index periods)
  bool dry_run = false;
};

struct RebuildReport {
  size_t chunks_indexed = 0;
  size_t series = 0;
  std::vector<std::string> skipped;  // "<chunk file>: <why>"
  ApplyResult applied;
};

util::Result<RebuildReport> rebuild_index(const Target& target, const std::string& tenant,
                                          const RebuildOptions& options, const Progress& progress = {});

}  // namespace maint
