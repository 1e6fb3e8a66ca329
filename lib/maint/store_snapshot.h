// A point-in-time view of a tenant's index, as the maintenance tools (logchunk, logidx, logd's
// compactor) read it.
//
// Maintenance never edits an index file: it reads the files of a period (remembering exactly
// which ones), publishes one replacement and removes (or, on a shared bucket, schedules the
// removal of) only the files it read. Index files that logd flushes meanwhile are not in the
// snapshot, so they are never removed and their entries never lost (see index_update.h). The
// maintenance lock keeps two maintenance runs apart; logd itself is not stopped.
//
// Pure data plus functions that read the store; no shared state, thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "index/index_format.h"
#include "maint/target.h"
#include "model/labels.h"
#include "store/layout.h"
#include "util/result.h"

namespace maint {

// <data>/store: where logd keeps chunks and index files in a local data directory
// (docs/data-layout.md).
std::string store_root(const std::string& data_dir);

// One period's index as of the snapshot: which files were read and the union of their series.
struct PeriodIndex {
  int64_t period = 0;
  std::vector<std::string> files;  // index file names read, relative to the period
  std::map<model::LabelSet, std::set<idx::ChunkRef>> series;
};

struct TenantIndex {
  std::string tenant;
  std::map<int64_t, PeriodIndex> periods;
  // "<key>: <error>" for index files that did not open; they are left alone by every rewrite.
  std::vector<std::string> bad_files;
  // Objects a marker schedules for deletion (pending_deletions.h): index files left out of the
  // snapshot ("index/<day>/<name>"), chunks not to be reported as unindexed.
  std::set<std::string> pending_index_files;
  std::set<std::string> pending_chunks;

  size_t file_count() const;
};

// Reads every valid index file of `tenant` (one bad file, e.g. one with a ref that is not a
// chunk path, does not stop the load; it is listed in bad_files and left alone). Fails when the
// store cannot be read.
util::Result<TenantIndex> load_tenant_index(const Target& target, const std::string& tenant);

// Every chunk the snapshot references, by chunk id (idx::ChunkRef::id: the file relative to the
// tenant's chunk directory, with the byte range for a chunk packed in a segment), with the
// labels of its series.
struct IndexedChunk {
  model::LabelSet labels;
  idx::ChunkRef ref;
};
std::map<std::string, IndexedChunk> indexed_chunks(const TenantIndex& index);

// Every object (chunk or segment file) some ref of the snapshot points into: a segment stays as
// long as one chunk in it is referenced.
std::set<std::string> referenced_objects(const TenantIndex& index);

// The object a chunk id is in ("<day>/<segment>@<offset>+<length>" -> "<day>/<segment>").
std::string object_of_chunk_id(const std::string& id);

// Whether `file` has the shape of a chunk ref, "<YYYY-MM-DD>/<name>" with no ".." and no '@'
// (which separates a chunk id's byte range): names come
// from index files, and a hostile one must not steer a read or a deletion elsewhere.
bool is_chunk_path(std::string_view file);

// Periods [period_of(min), period_of(max)] a ref overlaps.
std::vector<int64_t> periods_of(const idx::ChunkRef& ref);

// The key, relative to the tenant, of an index file of the snapshot: "index/<day>/<name>".
std::string tenant_index_key(int64_t period, const std::string& name);

}  // namespace maint
