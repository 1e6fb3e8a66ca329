// The on-disk names of the local store (docs/data-layout.md is the reference): where a tenant's
// chunk and index files live, how a period (UTC day) is spelled as a directory name, and how a
// chunk file is named. Pure functions over strings; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace store {

// "YYYY-MM-DD" of the UTC day `period` (idx::period_of numbering: days since 1970-01-01).
std::string period_dir_name(int64_t period);
// The inverse; nullopt for anything that is not exactly a name period_dir_name() produces.
std::optional<int64_t> parse_period_dir_name(std::string_view name);

// `<fingerprint, 16 hex>-<min ns>-<max ns>-<crc32c of the file, 8 hex>.chunk`: unique per content,
// so writing the same chunk twice (a replay after a crash) lands on the same name.
std::string chunk_file_name(uint64_t fingerprint, int64_t min_time, int64_t max_time, uint32_t crc);

// Defence in depth: callers pass tenant IDs validated by push::validate_tenant_id, but the store
// refuses anything that could escape its directory.
util::Status check_tenant_dir_name(std::string_view tenant);

// Paths under the store root.
struct TenantPaths {
  std::string chunks;  // <root>/<tenant>/chunks
  std::string index;   // <root>/<tenant>/index
};
TenantPaths tenant_paths(const std::string& root, const std::string& tenant);

}  // namespace store
