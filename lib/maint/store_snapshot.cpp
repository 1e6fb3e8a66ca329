#include "maint/store_snapshot.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <limits>

#include "fsutil/atomic_file.h"
#include "index/index_reader.h"

namespace maint {

std::string store_root(const std::string& data_dir) { return data_dir + "/store"; }

util::Result<fsutil::FileLock> acquire_maintenance_lock(const std::string& data_dir) {
  if (auto s = fsutil::create_directories(data_dir); !s.ok()) return s.status_error();
  auto lock = fsutil::FileLock::acquire(data_dir + "/maint.lock");
  if (!lock.ok()) return util::prefixed("another maintenance run holds the lock: ", lock.status_error());
  return lock;
}

namespace {

// Entry names of a directory (no "." and ".."); empty if it does not exist.
std::vector<std::pair<std::string, unsigned char>> read_dir(const std::string& dir) {
  std::vector<std::pair<std::string, unsigned char>> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    out.emplace_back(std::move(n), e->d_type);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::vector<std::string> list_tenants(const std::string& root) {
  std::vector<std::string> out;
  for (auto& [name, type] : read_dir(root)) {
    if (!store::check_tenant_dir_name(name).ok()) continue;
    if (type == DT_DIR || (type == DT_UNKNOWN && is_directory(root + "/" + name))) out.push_back(name);
  }
  return out;
}

std::vector<int64_t> list_periods(const std::string& dir) {
  std::vector<int64_t> out;
  for (auto& [name, type] : read_dir(dir)) {
    (void)type;
    if (auto p = store::parse_period_dir_name(name)) out.push_back(*p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> list_files(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  for (auto& [name, type] : read_dir(dir)) {
    (void)type;
    if (name.find(".tmp.") != std::string::npos) continue;  // an atomic write in progress
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(name);
  }
  return out;
}

util::Result<TenantIndex> load_tenant_index(const std::string& root, const std::string& tenant) {
  if (auto s = store::check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  TenantIndex out;
  out.root = root;
  out.tenant = tenant;
  out.paths = store::tenant_paths(root, tenant);
  for (int64_t p : list_periods(out.paths.index)) {
    std::string dir = out.paths.index + "/" + store::period_dir_name(p);
    PeriodIndex& pi = out.periods[p];
    pi.period = p;
    for (const std::string& name : list_files(dir, ".idx")) {
      auto reader = idx::IndexReader::open(dir + "/" + name);
      if (!reader.ok()) {
        out.bad_files.push_back(dir + "/" + name + ": " + reader.error());
        continue;
      }
      std::map<model::LabelSet, std::set<idx::ChunkRef>> series;
      bool good = true;
      for (uint32_t id = 0; id < reader->series_count(); ++id) {
        auto s = reader->series(id, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
        if (!s.ok()) {
          out.bad_files.push_back(dir + "/" + name + ": " + s.error());
          good = false;
          break;
        }
        for (const auto& ref : s->chunks) {
          if (!is_chunk_path(ref.file)) {
            out.bad_files.push_back(dir + "/" + name + ": chunk ref " + ref.file + " is not a chunk path");
            good = false;
          }
        }
        if (!good) break;
        series[s->labels].insert(s->chunks.begin(), s->chunks.end());
      }
      if (!good) continue;  // a file is taken whole or not at all
      pi.files.push_back(name);
      for (auto& [labels, refs] : series) pi.series[labels].insert(refs.begin(), refs.end());
    }
  }
  return out;
}

std::map<std::string, IndexedChunk> indexed_chunks(const TenantIndex& index) {
  std::map<std::string, IndexedChunk> out;
  for (const auto& [p, pi] : index.periods)
    for (const auto& [labels, refs] : pi.series)
      for (const auto& ref : refs) out.try_emplace(ref.file, IndexedChunk{labels, ref});
  return out;
}

bool is_chunk_path(std::string_view f) {
  auto slash = f.find('/');
  return slash != std::string_view::npos && f.find('/', slash + 1) == std::string_view::npos &&
         f.find("..") == std::string_view::npos && store::parse_period_dir_name(f.substr(0, slash)) &&
         f.size() > slash + 1;
}

std::vector<int64_t> periods_of(const idx::ChunkRef& ref) {
  std::vector<int64_t> out;
  for (int64_t p = idx::period_of(ref.min_time); p <= idx::period_of(ref.max_time); ++p) out.push_back(p);
  return out;
}

}  // namespace maint
