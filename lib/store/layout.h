// The names of the store (docs/data-layout.md is the reference): the object keys of a tenant's
// chunk and index files (relative to the bucket root: the local store directory or
// s3://bucket/prefix), how a period (UTC day) is spelled, and how chunk and index files are
// named. Pure functions over strings; thread-safe.
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

// `seg-<min ns>-<max ns>-<chunk count>-<crc32c of the object, 8 hex>.seg`: a segment object packing
// many small chunks (chunk/segment.h), filed like a chunk under the day of its first entry; the
// same content gets the same name, as for chunks.
std::string segment_file_name(int64_t min_time, int64_t max_time, size_t chunks, uint32_t crc);
bool is_segment_file_name(std::string_view name);

// `<sequence, 20 digits>-<writer id>.idx`: the sequence orders a writer's files, the writer id
// keeps two processes sharing a bucket from ever writing the same name.
std::string index_file_name(int64_t sequence, std::string_view writer_id);
// Whether a listed name is an index file (temporaries of in-progress local writes are not).
bool is_index_file_name(std::string_view name);

// Defence in depth: callers pass tenant IDs validated by push::validate_tenant_id, but the store
// refuses anything that could escape its directory or is not a valid key segment ('/', NUL and
// other control characters, ".", ".."), and names starting with '@', kept for the store's own
// objects (no valid tenant ID has an '@').
util::Status check_tenant_dir_name(std::string_view tenant);

// Object keys.
std::string chunks_prefix(std::string_view tenant);                         // "<tenant>/chunks/"
std::string chunk_key(std::string_view tenant, std::string_view ref_file);   // "<tenant>/chunks/<day>/<name>"
std::string index_prefix(std::string_view tenant);                          // "<tenant>/index/"
std::string index_period_prefix(std::string_view tenant, int64_t period);  // "<tenant>/index/<day>/"
// A small object directly in the tenant's directory, written with its first flush: tenants are
// found by listing the store with a '/' delimiter, and some S3 servers (s3rver) only report a
// common prefix whose objects sit right below it.
std::string tenant_marker_key(std::string_view tenant);                     // "<tenant>/tenant"

// Paths under the store root.
struct TenantPaths {
  std::string chunks;  // <root>/<tenant>/chunks
  std::string index;   // <root>/<tenant>/index
};
TenantPaths tenant_paths(const std::string& root, const std::string& tenant);

}  // namespace store
