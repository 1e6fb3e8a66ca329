#include "store/stale_temporaries.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <string_view>

#include "store/layout.h"

namespace store {
namespace {

// The writer's pid in `<name>.tmp.<pid>.<...>`, or 0 when the name is not a temporary.
pid_t writer_of(std::string_view name) {
  size_t at = name.rfind(".tmp.");
  if (at == std::string_view::npos) return 0;
  std::string_view rest = name.substr(at + 5);
  int pid = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || end == rest.data() || pid <= 0) return 0;
  return static_cast<pid_t>(pid);
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

size_t sweep_periods(const std::filesystem::path& dir) {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& period : std::filesystem::directory_iterator(dir, ec)) {
    if (!period.is_directory(ec) || !parse_period_dir_name(period.path().filename().string())) continue;
    for (const auto& f : std::filesystem::directory_iterator(period.path(), ec)) {
      pid_t pid = writer_of(f.path().filename().string());
      if (pid == 0 || pid == ::getpid() || process_alive(pid)) continue;
      if (std::filesystem::remove(f.path(), ec)) ++removed;
    }
  }
  return removed;
}

}  // namespace

size_t remove_stale_temporaries(const std::string& root) {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& tenant : std::filesystem::directory_iterator(root, ec)) {
    if (!tenant.is_directory(ec) || !check_tenant_dir_name(tenant.path().filename().string()).ok()) continue;
    TenantPaths paths = tenant_paths(root, tenant.path().filename().string());
    removed += sweep_periods(paths.chunks);
    removed += sweep_periods(paths.index);
  }
  return removed;
}

}  // namespace store
