#include "store/layout.h"

#include <cinttypes>
#include <cstdio>

#include "index/index_format.h"
#include "model/time.h"

namespace store {

std::string period_dir_name(int64_t period) {
  // format_rfc3339nano prints the day exactly; the first 10 characters are its date.
  std::string s = model::format_rfc3339nano(idx::period_start(period));
  return s.substr(0, s.find('T'));
}

std::optional<int64_t> parse_period_dir_name(std::string_view name) {
  if (name.size() != 10 || name[4] != '-' || name[7] != '-') return std::nullopt;
  for (size_t i = 0; i < name.size(); ++i) {
    if (i != 4 && i != 7 && (name[i] < '0' || name[i] > '9')) return std::nullopt;
  }
  auto ts = model::parse_rfc3339(std::string(name) + "T00:00:00Z");
  if (!ts.ok()) return std::nullopt;
  int64_t period = idx::period_of(*ts);
  // Rejects dates a lenient parser might normalise (2024-02-30).
  if (period_dir_name(period) != name) return std::nullopt;
  return period;
}

std::string chunk_file_name(uint64_t fingerprint, int64_t min_time, int64_t max_time, uint32_t crc) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%016" PRIx64 "-%" PRId64 "-%" PRId64 "-%08" PRIx32 ".chunk", fingerprint, min_time,
                max_time, crc);
  return buf;
}

util::Status check_tenant_dir_name(std::string_view tenant) {
  if (tenant.empty() || tenant == "." || tenant == "..") return util::Error{"invalid tenant ID for the store: empty, . or .."};
  for (char c : tenant) {
    if (c == '/' || c == '\0') return util::Error{"invalid tenant ID for the store: contains '/' or NUL"};
  }
  return {};
}

TenantPaths tenant_paths(const std::string& root, const std::string& tenant) {
  std::string base = root + "/" + tenant;
  return TenantPaths{base + "/chunks", base + "/index"};
}

}  // namespace store
