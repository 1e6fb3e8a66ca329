#include "store/layout.h"

#include <cinttypes>
#include <cstdio>

#include "model/time.h"
#include "util/civil_date.h"

namespace store {

std::string period_dir_name(int64_t period) {
  int64_t year;
  unsigned month, day;
  util::civil_from_days(period, year, month, day);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04" PRId64 "-%02u-%02u", year, month, day);
  return buf;
}

std::optional<int64_t> parse_period_dir_name(std::string_view name) {
  if (name.size() != 10 || name[4] != '-' || name[7] != '-') return std::nullopt;
  for (size_t i = 0; i < name.size(); ++i) {
    if (i != 4 && i != 7 && (name[i] < '0' || name[i] > '9')) return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) {
    unsigned v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + unsigned(name[i] - '0');
    return v;
  };
  unsigned month = num(5, 2), day = num(8, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t period = util::days_from_civil(num(0, 4), month, day);
  // Rejects dates that do not exist (2023-02-29), which the arithmetic would roll over.
  if (period_dir_name(period) != name) return std::nullopt;
  return period;
}

std::string chunk_file_name(uint64_t fingerprint, int64_t min_time, int64_t max_time, uint32_t crc) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%016" PRIx64 "-%" PRId64 "-%" PRId64 "-%08" PRIx32 ".chunk", fingerprint, min_time,
                max_time, crc);
  return buf;
}

std::string segment_file_name(int64_t min_time, int64_t max_time, size_t chunks, uint32_t crc) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "seg-%" PRId64 "-%" PRId64 "-%zu-%08" PRIx32 ".seg", min_time, max_time, chunks, crc);
  return buf;
}

bool is_segment_file_name(std::string_view name) { return name.starts_with("seg-") && name.ends_with(".seg"); }

std::string index_file_name(int64_t sequence, std::string_view writer_id) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%020" PRId64 "-", sequence);
  return buf + std::string(writer_id) + ".idx";
}

bool is_index_file_name(std::string_view n) {
  return n.size() > 4 && n.ends_with(".idx") && n.find(".tmp.") == std::string_view::npos && n.front() != '.';
}

util::Status check_tenant_dir_name(std::string_view tenant) {
  if (tenant.empty() || tenant == "." || tenant == "..") {
    return util::invalid_argument("invalid tenant ID for the store: empty, . or ..");
  }
  if (tenant.front() == '@') return util::invalid_argument("invalid tenant ID for the store: starts with '@'");
  for (char c : tenant) {
    if (c == '/' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return util::invalid_argument("invalid tenant ID for the store: contains '/' or a control character");
    }
  }
  return {};
}

std::string chunks_prefix(std::string_view tenant) { return std::string(tenant) + "/chunks/"; }
std::string chunk_key(std::string_view tenant, std::string_view ref_file) {
  return chunks_prefix(tenant) + std::string(ref_file);
}
std::string index_prefix(std::string_view tenant) { return std::string(tenant) + "/index/"; }
std::string index_period_prefix(std::string_view tenant, int64_t period) {
  return index_prefix(tenant) + period_dir_name(period) + "/";
}
std::string tenant_marker_key(std::string_view tenant) { return std::string(tenant) + "/tenant"; }

TenantPaths tenant_paths(const std::string& root, const std::string& tenant) {
  std::string base = root + "/" + tenant;
  return TenantPaths{base + "/chunks", base + "/index"};
}

}  // namespace store
