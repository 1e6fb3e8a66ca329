// Rewriting chunks of a stream: merging them (compaction), re-encoding them (another zstd
// level) and filtering entries out (deletes). The `logchunk compact` and `recompress` commands.
//
// Merging follows the readers' rule for overlapping chunks of one stream: an entry (timestamp
// and line) present in several chunks is kept as many times as the one chunk holding it most
// often, so a merged chunk answers every query exactly as its sources did together.
//
// Store-level operations take the snapshot, write new chunks, then swap the index as described
// in index_update.h. Callers hold the maintenance lock. Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chunk/chunk_reader.h"
#include "maint/index_update.h"

namespace maint {

struct RewriteOptions {
  size_t target_chunk_size = 1536 * 1024;  // Loki's chunk_target_size default (1.5 MiB)
  size_t target_block_size = 256 * 1024;   // uncompressed bytes per block, as logd writes
  int zstd_level = 3;
};

// Called with (done, total) as work proceeds; may be empty.
using Progress = std::function<void(size_t done, size_t total)>;

// The entries of `sources` (chunks of one stream and tenant) merged in time order with
// duplicates across chunks collapsed, minus the entries `drop` (if set) returns true for, encoded as
// chunks of about the target size. No output for no entries.
util::Result<std::vector<std::string>> merge_chunks(const std::vector<const chunk::ChunkReader*>& sources,
                                                    const RewriteOptions& options,
                                                    const std::function<bool(const model::Entry&)>& drop = {});

struct RewriteReport {
  size_t streams = 0;        // streams with something rewritten
  size_t chunks_in = 0;      // chunks replaced
  size_t chunks_out = 0;     // chunks written
  uint64_t bytes_in = 0;     // file bytes replaced
  uint64_t bytes_out = 0;    // file bytes written
  std::vector<std::string> skipped;  // "<file>: <why>" (corrupt sources are never rewritten)
  ApplyResult applied;
};

// Merges runs of consecutive chunks (by time) of one stream stored in the same period that are
// each smaller than the target size into chunks of about the target size. `dry_run` plans only.
util::Result<RewriteReport> compact_tenant(const Target& target, const std::string& tenant,
                                           const RewriteOptions& options, bool dry_run, const Progress& progress = {});

// Re-encodes every chunk of the tenant at options.zstd_level (one chunk in, one chunk out).
util::Result<RewriteReport> recompress_tenant(const Target& target, const std::string& tenant,
                                              const RewriteOptions& options, const Progress& progress = {});

}  // namespace maint
