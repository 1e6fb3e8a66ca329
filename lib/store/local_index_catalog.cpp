#include "store/local_index_catalog.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "store/layout.h"
#include "util/clock.h"

namespace store {
namespace {

// Directory mtimes this close to now may still change within the same timestamp tick.
constexpr int64_t kUntrustedMtimeNanos = 2'000'000'000;

int64_t to_nanos(const struct timespec& t) { return int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (auto* e = ::readdir(d)) names.emplace_back(e->d_name);
    ::closedir(d);
  }
  return names;
}

}  // namespace

LocalIndexCatalog::LocalIndexCatalog(std::string root, std::function<void(const std::string&)> warn,
                                     std::atomic<uint64_t>* corrupt_index_files)
    : root_(std::move(root)), warn_(std::move(warn)), corrupt_index_files_(corrupt_index_files) {}

std::string LocalIndexCatalog::period_dir(const std::string& tenant, int64_t period) const {
  return root_ + "/" + index_prefix(tenant) + period_dir_name(period);
}

util::Result<std::vector<int64_t>> LocalIndexCatalog::periods(const std::string& tenant, int64_t first, int64_t last) {
  std::vector<int64_t> out;
  for (const auto& name : list_dir(root_ + "/" + index_prefix(tenant))) {
    auto p = parse_period_dir_name(name);
    if (p && *p >= first && *p <= last) out.push_back(*p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

LocalIndexCatalog::Entry& LocalIndexCatalog::entry(const std::string& dir) {
  std::lock_guard lock(mu_);
  auto& e = entries_[dir];
  if (!e) e = std::make_unique<Entry>();
  return *e;
}

void LocalIndexCatalog::invalidate(const std::string& tenant, int64_t period) {
  entry(period_dir(tenant, period)).stale = true;
}

void LocalIndexCatalog::published(const std::string& tenant, int64_t period, const std::string&, std::string_view) {
  invalidate(tenant, period);
}

util::Result<std::shared_ptr<const idx::IndexSet>> LocalIndexCatalog::get(const std::string& tenant, int64_t period) {
  std::string dir = period_dir(tenant, period);
  Entry& e = entry(dir);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    // Missing (nothing flushed there yet, or removed by a retention job): empty.
    std::lock_guard lock(e.mu);
    e.readers.clear();
    e.listed = false;
    e.set = std::make_shared<idx::IndexSet>();
    return e.set;
  }
  std::lock_guard lock(e.mu);
  bool changed = !e.listed || e.stale.exchange(false) || st.st_mtim.tv_sec != e.mtime.tv_sec ||
                 st.st_mtim.tv_nsec != e.mtime.tv_nsec || util::system_clock().now_ns() - to_nanos(st.st_mtim) < kUntrustedMtimeNanos;
  if (changed) refresh(dir, e, st.st_mtim);
  return e.set;
}

void LocalIndexCatalog::refresh(const std::string& dir, Entry& e, const struct timespec& mtime) {
  std::vector<std::string> names;
  for (auto& n : list_dir(dir)) {
    if (is_index_file_name(n)) names.push_back(std::move(n));
  }
  std::sort(names.begin(), names.end());
  std::map<std::string, idx::IndexReader> readers;
  bool same = true;
  for (const auto& n : names) {
    if (auto it = e.readers.find(n); it != e.readers.end()) {
      readers.emplace(n, it->second);
      continue;
    }
    if (e.bad.count(n)) continue;
    same = false;
    auto r = idx::IndexReader::open(dir + "/" + n);
    if (!r.ok()) {
      e.bad.insert(n);
      if (corrupt_index_files_) corrupt_index_files_->fetch_add(1, std::memory_order_relaxed);
      if (warn_) warn_("store: ignoring index file that does not validate: " + r.error());
      continue;
    }
    readers.emplace(n, std::move(*r));
  }
  if (readers.size() != e.readers.size()) same = false;
  e.mtime = mtime;
  e.listed = true;
  if (same) return;  // nothing added or removed: keep the snapshot
  std::vector<idx::IndexReader> list;
  list.reserve(readers.size());
  for (const auto& [n, r] : readers) list.push_back(r);
  e.readers = std::move(readers);
  e.set = std::make_shared<idx::IndexSet>(std::move(list));
}

}  // namespace store
