#include "maint/index_rebuild.h"

#include "chunk/chunk_reader.h"

namespace maint {

util::Result<RebuildReport> rebuild_index(const Target& target, const std::string& tenant,
                                          const RebuildOptions& options, const Progress& progress) {
  auto snap = load_tenant_index(target, tenant);
  if (!snap.ok()) return snap.status_error();
  auto wanted = [&](int64_t p) { return options.periods.empty() || options.periods.count(p) > 0; };
  std::map<int64_t, std::map<model::LabelSet, std::set<idx::ChunkRef>>> content;
  // Periods whose index exists but whose chunks are all gone end up empty: their files go.
  for (const auto& [p, pi] : snap->periods)
    if (wanted(p)) content[p];
  for (int64_t p : options.periods) content[p];

  auto objects = list_chunk_objects(target, tenant);
  if (!objects.ok()) return objects.status_error();
  std::vector<std::string> files;
  for (const auto& [file, o] : *objects) {
    // A chunk lives under the period of its first entry, so later periods never hold a chunk
    // that overlaps an earlier one; a chunk may still reach into later periods.
    auto p = store::parse_period_dir_name(std::string_view(file).substr(0, file.find('/')));
    if (!options.periods.empty() && *p > *options.periods.rbegin()) continue;
    files.push_back(file);
  }
  // Segment objects hold many chunks, each listed by the segment's trailer: every one is a chunk
  // id of its own below.
  std::vector<std::string> ids;
  RebuildReport report;
  for (const auto& file : files) {
    if (!store::is_segment_file_name(file.substr(file.find('/') + 1))) {
      ids.push_back(file);
      continue;
    }
    auto seg = open_segment(target, tenant, file);
    if (!seg.ok()) {
      if (seg.code() != util::ErrorCode::kCorruption && seg.code() != util::ErrorCode::kNotFound) {
        return seg.status_error();  // the store does not answer: nothing is changed
      }
      report.skipped.push_back(file + ": " + seg.error());
      continue;
    }
    for (size_t k = 0; k < seg->entries().size(); ++k) {
      if (auto s = seg->check(k); !s.ok()) {
        report.skipped.push_back(file + ": " + s.error());
        continue;
      }
      const auto& e = seg->entries()[k];
      ids.push_back(idx::ChunkRef{file, 0, 0, 0, 0, e.offset, e.length}.id());
    }
  }
  std::set<model::LabelSet> series;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (progress) progress(i, ids.size());
    const std::string& id = ids[i];
    const auto loc = idx::parse_chunk_id(id);
    const std::string& file = loc->file;
    auto reader = open_chunk(target, tenant, id);
    if (!reader.ok()) {
      if (reader.code() != util::ErrorCode::kCorruption && reader.code() != util::ErrorCode::kNotFound) {
        return reader.status_error();  // the store does not answer: nothing is changed
      }
      report.skipped.push_back(id + ": " + reader.error());
      continue;
    }
    const chunk::ChunkHeader& h = reader->header();
    if (h.tenant != tenant) {
      report.skipped.push_back(id + ": chunk of tenant " + h.tenant);
      continue;
    }
    if (store::period_dir_name(idx::period_of(h.min_time)) != file.substr(0, file.find('/'))) {
      report.skipped.push_back(id + ": filed under the wrong period");
      continue;
    }
    // Reading every entry checks every block and yields the raw line bytes the index records.
    auto entries = reader->read_all();
    if (!entries.ok()) {
      report.skipped.push_back(id + ": " + entries.error());
      continue;
    }
    uint64_t line_bytes = 0;
    for (const auto& e : *entries) line_bytes += e.line.size();
    idx::ChunkRef ref{file, h.min_time, h.max_time, static_cast<uint32_t>(h.entries), line_bytes, loc->offset, loc->length};
    bool used = false;
    for (int64_t p : periods_of(ref)) {
      if (!wanted(p)) continue;
      content[p][h.labels].insert(ref);
      used = true;
    }
    if (used) {
      ++report.chunks_indexed;
      series.insert(h.labels);
    }
  }
  if (progress) progress(ids.size(), ids.size());
  report.series = series.size();
  if (options.dry_run) return report;
  auto applied = replace_periods(target, *snap, content);
  if (!applied.ok()) return applied.status_error();
  report.applied = std::move(*applied);
  return report;
}

}  // namespace maint
