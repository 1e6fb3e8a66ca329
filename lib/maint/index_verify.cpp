#include "maint/index_verify.h"

#include <sys/stat.h>
#include <unistd.h>

#include "chunk/chunk_reader.h"
#include "maint/chunk_inspect.h"

namespace maint {

namespace {

// Modification time in ns; 0 if the file is gone.
int64_t mtime_ns(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

util::Result<VerifyReport> verify_index(const std::string& store_root, const std::string& tenant,
                                        const VerifyOptions& options, const Progress& progress) {
  auto snap = load_tenant_index(store_root, tenant);
  if (!snap.ok()) return snap.status_error();
  VerifyReport report;
  for (const auto& bad : snap->bad_files) report.problems.push_back("index file " + bad);
  for (const auto& [p, pi] : snap->periods) report.index_files += pi.files.size();

  auto chunks = indexed_chunks(*snap);
  // A chunk must be listed by every period it overlaps (readers look a day up by its index).
  for (const auto& [file, c] : chunks) {
    for (int64_t p : periods_of(c.ref)) {
      auto pi = snap->periods.find(p);
      bool listed = false;
      if (pi != snap->periods.end()) {
        auto s = pi->second.series.find(c.labels);
        listed = s != pi->second.series.end() && s->second.count(c.ref) > 0;
      }
      if (!listed)
        report.problems.push_back("chunk " + file + " overlaps " + store::period_dir_name(p) +
                                  " but that period's index does not list it");
    }
  }
  size_t done = 0;
  for (const auto& [file, c] : chunks) {
    if (progress) progress(done++, chunks.size());
    ++report.refs;
    std::string path = snap->paths.chunks + "/" + file;
    if (::access(path.c_str(), F_OK) != 0) {
      report.problems.push_back("chunk " + file + " (" + c.labels.to_string() + "): indexed but missing");
      continue;
    }
    if (options.check_blocks) {
      for (const auto& p : verify_chunk_file(path)) report.problems.push_back("chunk " + file + ": " + p);
    }
    auto reader = chunk::ChunkReader::open_file(path);
    if (!reader.ok()) continue;  // reported above (or, headers only, below)
    const chunk::ChunkHeader& h = reader->header();
    std::string what;
    if (h.tenant != tenant) what = "belongs to tenant " + h.tenant;
    else if (h.labels != c.labels) what = "holds stream " + h.labels.to_string() + ", indexed as " + c.labels.to_string();
    else if (h.min_time != c.ref.min_time || h.max_time != c.ref.max_time)
      what = "time range differs from its index entry";
    else if (h.entries != c.ref.entries)
      what = "holds " + std::to_string(h.entries) + " entries, index says " + std::to_string(c.ref.entries);
    if (!what.empty()) report.problems.push_back("chunk " + file + ": " + what);
  }
  if (progress) progress(chunks.size(), chunks.size());

  // Chunk files nobody indexes. Listed after the index was read, so a chunk flushed since then
  // looks unindexed: the grace period covers that window.
  std::set<std::string> orphans;
  for (int64_t p : list_periods(snap->paths.chunks)) {
    std::string period = store::period_dir_name(p);
    std::string dir = snap->paths.chunks + "/" + period;
    for (const auto& name : list_files(dir, ".chunk")) {
      ++report.chunk_files;
      std::string file = period + "/" + name;
      if (chunks.count(file)) continue;
      if (mtime_ns(dir + "/" + name) > options.now - options.grace) continue;
      report.orphans.push_back(file);
      orphans.insert(file);
    }
  }
  if (options.remove_orphans && !orphans.empty()) {
    auto removed = remove_unreferenced_chunks(store_root, tenant, orphans);
    if (!removed.ok()) return removed.status_error();
    report.orphans_removed = removed->chunks_removed;
  }
  return report;
}

}  // namespace maint
