#include "maint/index_verify.h"

#include "chunk/chunk_reader.h"
#include "maint/chunk_inspect.h"

namespace maint {

util::Result<VerifyReport> verify_index(const Target& target, const std::string& tenant,
                                        const VerifyOptions& options, const Progress& progress) {
  auto snap = load_tenant_index(target, tenant);
  if (!snap.ok()) return snap.status_error();
  VerifyReport report;
  for (const auto& bad : snap->bad_files) report.problems.push_back("index file " + bad);
  report.index_files = snap->file_count();

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
  // Listed after the index was read, so a chunk flushed since then looks unindexed: the grace
  // period covers that window.
  auto objects = list_chunk_objects(target, tenant);
  if (!objects.ok()) return objects.status_error();
  size_t done = 0;
  for (const auto& [file, c] : chunks) {
    if (progress) progress(done++, chunks.size());
    ++report.refs;
    if (!objects->count(c.ref.file)) {
      report.problems.push_back("chunk " + file + " (" + c.labels.to_string() + "): indexed but missing");
      continue;
    }
    auto reader = read_chunk_as_stored(target, tenant, file);
    if (!reader.ok() && reader.code() != util::ErrorCode::kCorruption && reader.code() != util::ErrorCode::kNotFound) {
      return reader.status_error();  // the store does not answer: no verdict
    }
    if (options.check_blocks || !reader.ok()) {
      for (const auto& p : verify_chunk(file, reader)) report.problems.push_back("chunk " + file + ": " + p);
    }
    if (!reader.ok()) continue;
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

  // An object is an orphan when no ref points into it (a segment is in use while one of its
  // chunks is).
  const std::set<std::string> referenced = referenced_objects(*snap);
  std::set<std::string> orphans;
  for (const auto& [file, o] : *objects) {
    ++report.chunk_files;
    if (referenced.count(file) || snap->pending_chunks.count(file)) continue;
    if (o.modified_ns > options.now - options.grace) continue;
    report.orphans.push_back(file);
    orphans.insert(file);
  }
  if (options.remove_orphans && !orphans.empty()) {
    auto removed = remove_unreferenced_chunks(target, tenant, orphans);
    if (!removed.ok()) return removed.status_error();
    report.orphans_removed = removed->chunks_removed;
  }
  return report;
}

}  // namespace maint
