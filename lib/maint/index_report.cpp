#include "maint/index_report.h"

#include "model/time.h"

namespace maint {

std::string format_deferred(const std::string& what, const std::string& tenant, const ApplyResult& a) {
  if (a.index_files_deferred + a.chunks_deferred == 0) return "";
  return what + ": tenant " + tenant + ": " + std::to_string(a.index_files_deferred) + " index files and " +
         std::to_string(a.chunks_deferred) + " chunks to be deleted after the delete delay\n";
}

TenantReportText format_rebuild_report(const std::string& tenant, const RebuildReport& r, bool dry_run) {
  TenantReportText text;
  for (const auto& s : r.skipped) text.err += "logidx: rebuild: skipped chunk " + s + "\n";
  text.out = "rebuild: tenant " + tenant + ": " + std::to_string(r.chunks_indexed) + " chunks of " +
             std::to_string(r.series) + " series " + (dry_run ? "would be indexed" : "indexed") + "; " +
             std::to_string(r.applied.index_files_written) + " index files written, " +
             std::to_string(r.applied.index_files_removed) + " removed\n";
  text.out += format_deferred("rebuild", tenant, r.applied);
  text.failed = !r.skipped.empty();
  return text;
}

TenantReportText format_verify_report(const std::string& tenant, const VerifyReport& r, bool remove_orphans) {
  TenantReportText text;
  for (const auto& p : r.problems) text.out += "tenant " + tenant + ": " + p + "\n";
  for (const auto& o : r.orphans)
    text.out += "tenant " + tenant + ": chunk " + o + ": not indexed" + (remove_orphans ? " (removed)" : "") + "\n";
  text.out += "verify: tenant " + tenant + ": " + std::to_string(r.index_files) + " index files, " +
              std::to_string(r.refs) + " chunk refs, " + std::to_string(r.chunk_files) + " chunk files: " +
              std::to_string(r.problems.size()) + " problems, " + std::to_string(r.orphans.size()) + " unindexed\n";
  // Orphans that were removed are repaired; everything else makes the run fail.
  text.failed = !r.problems.empty() || (!r.orphans.empty() && !remove_orphans);
  return text;
}

TenantReportText format_retention_report(const std::string& tenant, const RetentionReport& r, bool dry_run) {
  TenantReportText text;
  uint64_t entries = 0;
  for (const auto& e : r.expired) {
    entries += e.ref.entries;
    text.out += std::string(dry_run ? "would delete" : "deleted") + " " + tenant + " " + e.ref.id() + " through " +
                model::format_rfc3339nano(e.ref.max_time) + " (retention " +
                model::format_duration_prometheus(e.retention) + ")\n";
  }
  text.out += "retention: tenant " + tenant + ": " + std::to_string(r.expired.size()) + " chunks (" +
              std::to_string(entries) + " entries) " + (dry_run ? "would be deleted" : "deleted") + "\n";
  text.out += format_deferred("retention", tenant, r.applied);
  for (const auto& k : r.applied.chunks_kept)
    text.err += "logidx: retention: kept " + k + " (an index file still refers to it: written meanwhile, or other chunks of its segment)\n";
  return text;
}

TenantReportText format_delete_report(const std::string& tenant, const DeleteReport& r, bool dry_run) {
  TenantReportText text;
  const std::string verb = dry_run ? "would " : "";
  for (const auto& f : r.chunks_deleted) text.out += verb + "delete " + tenant + " " + f + "\n";
  for (const auto& f : r.chunks_rewritten) text.out += verb + "rewrite " + tenant + " " + f + "\n";
  for (const auto& s : r.skipped) text.err += "logidx: delete: skipped corrupt chunk " + s + "\n";
  text.out += "delete: tenant " + tenant + ": " + std::to_string(r.entries_deleted) + " entries " +
              (dry_run ? "would be deleted" : "deleted") + " (" + std::to_string(r.chunks_deleted.size()) +
              " chunks deleted, " + std::to_string(r.chunks_rewritten.size()) + " rewritten)\n";
  text.out += format_deferred("delete", tenant, r.applied);
  text.failed = !r.skipped.empty();
  return text;
}

}  // namespace maint
