// Changing a tenant's store beside a running logd without ever showing a reader a broken state.
//
// The protocol, and why a reader or a concurrent logd flush never loses anything:
//   1. new chunk files are written atomically under their final, content-derived names;
//   2. for each period whose content changes, ONE new index file is published (temporary file,
//      fsync, link() to a name nobody has used, directory fsync): the snapshot's content minus
//      the removed chunks plus the added ones;
//   3. only then are the index files the snapshot read removed (and nothing else: files logd
//      flushed meanwhile stay, so their entries are never lost);
//   4. last, the replaced chunk files are deleted, unless an index file now on disk (e.g. one
//      that logd wrote meanwhile) still refers to them.
// Between 2 and 3 readers see old and new chunks together; they drop exact duplicates, so the
// answer does not change. An interruption at any step leaves a valid store: at worst duplicate
// index entries (deduplicated) or unreferenced chunk files (ignored by readers, reported by
// `logidx verify`, removed by `logidx verify --remove-orphans`).
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
  std::set<std::string> removed;  // chunk files, relative to the tenant's chunk directory
  std::vector<IndexedChunk> added;
  bool empty() const { return removed.empty() && added.empty(); }
};

struct ApplyResult {
  size_t index_files_written = 0;
  size_t index_files_removed = 0;
  size_t chunks_removed = 0;
  // Replaced chunks left in place because an index file written meanwhile refers to them.
  std::vector<std::string> chunks_kept;
};

// Writes a finished chunk (`data`, from chunk::ChunkWriter::finish) as a file of the tenant,
// atomically, under the name and period logd would give it; returns its index entry.
util::Result<IndexedChunk> write_chunk(const store::TenantPaths& paths, std::string_view data);

// Publishes an index file with `series` into `dir` under a fresh sequence name; never replaces
// an existing file. Returns the name.
util::Result<std::string> publish_index_file(const std::string& dir,
                                             const std::map<model::LabelSet, std::set<idx::ChunkRef>>& series);

// Steps 2-4 above for `change` against the snapshot `snap`.
util::Result<ApplyResult> apply_change(const TenantIndex& snap, const ChunkChange& change);

// Steps 2-3 with the whole new content of some periods given (rebuild); an empty content
// removes the period's index files.
util::Result<ApplyResult> replace_periods(
    const TenantIndex& snap, const std::map<int64_t, std::map<model::LabelSet, std::set<idx::ChunkRef>>>& content);

// Step 4: deletes `files` (relative chunk paths) of the tenant unless an index file currently on
// disk refers to them; those are returned in chunks_kept.
util::Result<ApplyResult> remove_unreferenced_chunks(const std::string& store_root, const std::string& tenant,
                                                     const std::set<std::string>& files);

}  // namespace maint
