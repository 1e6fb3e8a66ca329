#include "maint/index_compact.h"

namespace maint {

util::Result<IndexCompactReport> compact_index(const Target& target, const std::string& tenant,
                                               const IndexCompactOptions& options) {
  auto snap = load_tenant_index(target, tenant);
  if (!snap.ok()) return snap.status_error();
  IndexCompactReport report;
  std::map<int64_t, std::map<model::LabelSet, std::set<idx::ChunkRef>>> content;
  for (const auto& [p, pi] : snap->periods) {
    if (!options.periods.empty() && !options.periods.count(p)) continue;
    if (pi.files.size() < std::max<size_t>(options.min_files, 2)) continue;
    ++report.periods;
    report.files_in += pi.files.size();
    content[p] = pi.series;
  }
  if (options.dry_run || content.empty()) return report;
  auto applied = replace_periods(target, *snap, content);
  if (!applied.ok()) return applied.status_error();
  report.applied = std::move(*applied);
  return report;
}

}  // namespace maint
