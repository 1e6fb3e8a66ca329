// Tenant IDs (the X-Scope-OrgID header) as Loki validates them (dskit tenant.ValidTenantID):
// they name directories on disk, so anything that could escape a path is refused.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace push {

constexpr size_t kMaxTenantIDLength = 150;

// Allowed: ASCII letters and digits and ! - _ . * ' ( ); at most 150 bytes; not "." or "..".
// Also refused (a deliberate tightening): the empty ID.
util::Status validate_tenant_id(std::string_view id);

// Splits a multi-tenant query's org ID, "a|b|c", validating each; the result is sorted and
// de-duplicated (dskit NormalizeTenantIDs). An empty org ID is Loki's "no org id" error.
util::Result<std::vector<std::string>> split_tenant_ids(std::string_view org_id);

}  // namespace push
