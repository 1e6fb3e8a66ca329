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
  RebuildReport report;
  std::set<model::LabelSet> series;
  for (size_t i = 0; i < files.size(); ++i) {
    if (progress) progress(i, files.size());
    const std::string& file = files[i];
    auto reader = open_chunk(target, tenant, file);
    if (!reader.ok()) {
      if (reader.code() != util::ErrorCode::kCorruption && reader.code() != util::ErrorCode::kNotFound) {
        return reader.status_error();  // the store does not answer: nothing is changed
      }
      report.skipped.push_back(file + ": " + reader.error());
      continue;
    }
    const chunk::ChunkHeader& h = reader->header();
    if (h.tenant != tenant) {
      report.skipped.push_back(file + ": chunk of tenant " + h.tenant);
      continue;
    }
    if (store::period_dir_name(idx::period_of(h.min_time)) != file.substr(0, file.find('/'))) {
      report.skipped.push_back(file + ": filed under the wrong period");
      continue;
    }
    // Reading every entry checks every block and yields the raw line bytes the index records.
    auto entries = reader->read_all();
    if (!entries.ok()) {
      report.skipped.push_back(file + ": " + entries.error());
      continue;
    }
    uint64_t line_bytes = 0;
    for (const auto& e : *entries) line_bytes += e.line.size();
    idx::ChunkRef ref{file, h.min_time, h.max_time, static_cast<uint32_t>(h.entries), line_bytes};
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
  if (progress) progress(files.size(), files.size());
  report.series = series.size();
  if (options.dry_run) return report;
  auto applied = replace_periods(target, *snap, content);
  if (!applied.ok()) return applied.status_error();
  report.applied = std::move(*applied);
  return report;
}

}  // namespace maint
