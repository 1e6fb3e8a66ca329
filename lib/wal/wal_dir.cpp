#include "wal/wal_dir.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "fsutil/atomic_file.h"

namespace wal {

namespace {

// Parses the digits of `s` (1 to 20 of them) as a number; false otherwise.
bool parse_number(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string segment_name(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08llu.wal", static_cast<unsigned long long>(n));
  return buf;
}

std::string checkpoint_name(uint64_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "checkpoint.%08llu", static_cast<unsigned long long>(n));
  return buf;
}

util::Result<WalDirListing> list_wal_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return util::internal("wal: cannot list " + dir + ": " + std::strerror(errno));
  WalDirListing out;
  while (auto* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    uint64_t n;
    if (name.size() > 4 && name.ends_with(".tmp")) {
      out.temporary.emplace_back(name);
    } else if (name.ends_with(".wal") && parse_number(name.substr(0, name.size() - 4), n)) {
      out.segments.push_back(n);
    } else if (name.starts_with("checkpoint.") && parse_number(name.substr(11), n)) {
      out.checkpoints.push_back(n);
    }
  }
  ::closedir(d);
  std::sort(out.segments.begin(), out.segments.end());
  std::sort(out.checkpoints.begin(), out.checkpoints.end());
  return out;
}

util::Status remove_before(const std::string& dir, uint64_t n) {
  auto listing = list_wal_dir(dir);
  if (!listing.ok()) return listing.status_error();
  bool removed = false;
  auto remove = [&](const std::string& name) -> util::Status {
    std::string path = dir + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return util::internal("wal: cannot remove " + path + ": " + std::strerror(errno));
    removed = true;
    return {};
  };
  for (uint64_t s : listing->segments)
    if (s < n)
      if (auto st = remove(segment_name(s)); !st.ok()) return st;
  for (uint64_t c : listing->checkpoints)
    if (c < n)
      if (auto st = remove(checkpoint_name(c)); !st.ok()) return st;
  return removed ? fsutil::fsync_directory(dir) : util::Status{};
}

}  // namespace wal
