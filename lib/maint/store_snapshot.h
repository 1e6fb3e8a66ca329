// A point-in-time view of a tenant's index, as the maintenance tools (logchunk, logidx) read it.
//
// Maintenance never edits an index file: it reads the files of a period (remembering exactly
// which ones), writes one replacement file and removes only the files it read. Index files that
// logd flushes meanwhile are not in the snapshot, so they are never removed and their entries
// never lost (see index_update.h). The maintenance lock keeps two maintenance runs apart; logd
// itself is not stopped.
//
// Pure data plus functions that read the file system; no shared state, thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fsutil/file_lock.h"
#include "index/index_format.h"
#include "model/labels.h"
#include "store/layout.h"
#include "util/result.h"

namespace maint {

// <data>/store: where logd keeps chunks and index files (docs/data-layout.md).
std::string store_root(const std::string& data_dir);

// Takes <data>/maint.lock without waiting: one maintenance run at a time per data directory
// (logd holds <data>/logd.lock, so this lock never blocks the server).
util::Result<fsutil::FileLock> acquire_maintenance_lock(const std::string& data_dir);

// Tenant directories under the store root, sorted (names the store would refuse are skipped).
std::vector<std::string> list_tenants(const std::string& store_root);

// Period directories ("YYYY-MM-DD") directly under `dir`, sorted; other names are ignored.
std::vector<int64_t> list_periods(const std::string& dir);

// Final-named files under `dir` ending in `suffix` (in-progress "*.tmp.*" files skipped), sorted.
std::vector<std::string> list_files(const std::string& dir, const std::string& suffix);

// One period's index as of the snapshot: which files were read and the union of their series.
struct PeriodIndex {
  int64_t period = 0;
  std::vector<std::string> files;  // index file names read, relative to the period directory
  std::map<model::LabelSet, std::set<idx::ChunkRef>> series;
};

struct TenantIndex {
  std::string root;  // the store root it was read from
  std::string tenant;
  store::TenantPaths paths;
  std::map<int64_t, PeriodIndex> periods;
  // "<path>: <error>" for index files that did not open; they are left alone by every rewrite.
  std::vector<std::string> bad_files;
};

// Reads every valid index file of `tenant` (one bad file, e.g. one with a ref that is not a
// chunk path, does not stop the load; it is listed in bad_files and left alone).
util::Result<TenantIndex> load_tenant_index(const std::string& store_root, const std::string& tenant);

// Every chunk the snapshot references, by file (relative to the tenant's chunk directory),
// with the labels of its series.
struct IndexedChunk {
  model::LabelSet labels;
  idx::ChunkRef ref;
};
std::map<std::string, IndexedChunk> indexed_chunks(const TenantIndex& index);

// Whether `file` has the shape of a chunk ref, "<YYYY-MM-DD>/<name>" with no "..": names come
// from index files, and a hostile one must not steer a read or a deletion elsewhere.
bool is_chunk_path(std::string_view file);

// Periods [period_of(min), period_of(max)] a ref overlaps.
std::vector<int64_t> periods_of(const idx::ChunkRef& ref);

}  // namespace maint
