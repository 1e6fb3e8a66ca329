// What `logidx rebuild|verify|retention|delete` print for one tenant: the lines for stdout (one
// per change, then a summary), the warnings for stderr, and whether the run counts as failed.
// Kept here rather than in cmd/logidx so the wording is tested. Thread-safe: pure functions.
#pragma once

#include <string>

#include "maint/index_rebuild.h"
#include "maint/index_verify.h"
#include "maint/retention.h"

namespace maint {

struct TenantReportText {
  std::string out;      // for stdout
  std::string err;      // for stderr, each line starting "logidx: "
  bool failed = false;  // the run exits 1
};

// Deletions a shared bucket defers by the delete delay ("" when none).
std::string format_deferred(const std::string& what, const std::string& tenant, const ApplyResult& applied);

// Fails when a chunk was skipped.
TenantReportText format_rebuild_report(const std::string& tenant, const RebuildReport& report, bool dry_run);
// Fails on any problem, and on unindexed chunks unless they were removed (`remove_orphans`).
TenantReportText format_verify_report(const std::string& tenant, const VerifyReport& report, bool remove_orphans);
// Never fails: chunks kept because an index written meanwhile refers to them are warnings.
TenantReportText format_retention_report(const std::string& tenant, const RetentionReport& report, bool dry_run);
// Fails when a corrupt chunk was skipped.
TenantReportText format_delete_report(const std::string& tenant, const DeleteReport& report, bool dry_run);

}  // namespace maint
