// Changing a tenant's store beside a running logd without ever showing a reader a broken state.
//
// The protocol, and why a reader or a concurrent logd flush never loses anything:
//   1. new chunks are stored (each atomically) under their final, content-derived names;
//   2. for each period whose content changes, ONE new index file is published under a name no
//      file has had (a sequence and this run's writer id): the snapshot's content minus the
//      removed chunks plus the added ones;
//   3. only then are the index files the snapshot read removed (and nothing else: files logd
//      flushed meanwhile stay, so their entries are never lost);
//   4. last, the replaced chunks are deleted, unless an index file now in the store (e.g. one
//      that logd wrote meanwhile) still refers to them.
// With a delete delay (a shared bucket) steps 3 and 4 are deferred to a marker carried out
// after the delay (pending_deletions.h). Between 2 and 3 readers see old and new chunks
// together; they drop exact duplicates, so the answer does not change. An interruption at any
// step leaves a valid store: at worst duplicate index entries (deduplicated) or unreferenced
// chunks (ignored by readers, reported by `logidx verify`, removed by `logidx verify
// --remove-orphans`).
//
// Callers hold the maintenance lock. Thread-compatible.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "maint/store_snapshot.h"

namespace maint {

// Chunks to take out of a tenant's index and chunks (already written) to put in.
struct ChunkChange {
  std::set<std::string> removed;  // chunk ids (idx::ChunkRef::id), relative to the tenant's chunk directory
  std::vector<IndexedChunk> added;
  bool empty() const { return removed.empty() && added.empty(); }
};

struct ApplyResult {
  size_t index_files_written = 0;
  size_t index_files_removed = 0;
  size_t chunks_removed = 0;
  // Objects whose deletion was deferred to a marker (a delete delay).
  size_t index_files_deferred = 0;
  size_t chunks_deferred = 0;
  // Replaced chunks left in place because an index file written meanwhile refers to them.
  std::vector<std::string> chunks_kept;
};

// Stores a finished chunk (`data`, from chunk::ChunkWriter::finish) of `tenant` under the name
// and period logd would give it; returns its index entry.
util::Result<IndexedChunk> write_chunk(const Target& target, const std::string& tenant, std::string_view data);

// Publishes an index file with `series` for `tenant` and `period` under a fresh name; never
// replaces an existing file. Returns the name.
util::Result<std::string> publish_index_file(const Target& target, const std::string& tenant, int64_t period,
                                             const std::map<model::LabelSet, std::set<idx::ChunkRef>>& series);

// Steps 2-4 above for `change` against the snapshot `snap`.
util::Result<ApplyResult> apply_change(const Target& target, const TenantIndex& snap, const ChunkChange& change);

// Steps 2-3 with the whole new content of some periods given (rebuild, index compaction); an
// empty content removes the period's index files.
util::Result<ApplyResult> replace_periods(
    const Target& target, const TenantIndex& snap,
    const std::map<int64_t, std::map<model::LabelSet, std::set<idx::ChunkRef>>>& content);

// Step 4: deletes `files` (relative chunk or segment object paths) of the tenant unless a ref of
// an index file currently in the store points into them; those are returned in chunks_kept.
// Always at once (no delay).
util::Result<ApplyResult> remove_unreferenced_chunks(const Target& target, const std::string& tenant,
                                                     const std::set<std::string>& files);

}  // namespace maint
