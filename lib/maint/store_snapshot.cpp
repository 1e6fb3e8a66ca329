#include "maint/store_snapshot.h"

#include <limits>

#include "maint/pending_deletions.h"

namespace maint {

std::string store_root(const std::string& data_dir) { return data_dir + "/store"; }

size_t TenantIndex::file_count() const {
  size_t n = 0;
  for (const auto& [p, pi] : periods) n += pi.files.size();
  return n;
}

std::string tenant_index_key(int64_t period, const std::string& name) {
  return "index/" + store::period_dir_name(period) + "/" + name;
}

util::Result<TenantIndex> load_tenant_index(const Target& target, const std::string& tenant) {
  if (auto s = store::check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  TenantIndex out;
  out.tenant = tenant;
  auto pending = list_pending_deletions(target, tenant);
  if (!pending.ok()) return pending.status_error();
  for (const auto& d : *pending) {
    out.pending_index_files.insert(d.index_files.begin(), d.index_files.end());
    out.pending_chunks.insert(d.chunks.begin(), d.chunks.end());
  }
  // Every index file of the tenant in one listing: <tenant>/index/<day>/<name>.
  std::vector<std::pair<int64_t, std::string>> files;
  const std::string prefix = store::index_prefix(tenant);
  auto listed = target.bucket->list(objstore::ListOptions{prefix, "", ""}, [&](const objstore::ListEntry& e) {
    std::string_view rest = std::string_view(e.key).substr(prefix.size());
    auto slash = rest.find('/');
    if (e.is_prefix || slash == std::string_view::npos) return true;
    auto period = store::parse_period_dir_name(rest.substr(0, slash));
    std::string_view name = rest.substr(slash + 1);
    if (period && store::is_index_file_name(name) && name.find('/') == std::string_view::npos) {
      files.emplace_back(*period, std::string(name));
    }
    return true;
  });
  if (!listed.ok()) {
    return util::Error{"listing " + target.bucket->name() + "/" + prefix + ": " + listed.error(), listed.code()};
  }
  std::sort(files.begin(), files.end());  // some servers list across days out of order
  for (const auto& [p, name] : files) {
    if (out.pending_index_files.count(tenant_index_key(p, name))) continue;  // replaced already
    PeriodIndex& pi = out.periods[p];
    pi.period = p;
    std::string key = prefix + store::period_dir_name(p) + "/" + name;
    auto reader = read_index_file(target, key);
    if (!reader.ok()) {
      // Gone since the listing (another maintenance run): not part of the snapshot.
      if (reader.code() == util::ErrorCode::kNotFound) continue;
      if (reader.code() != util::ErrorCode::kCorruption) return reader.status_error();
      out.bad_files.push_back(key + ": " + reader.error());
      continue;
    }
    std::map<model::LabelSet, std::set<idx::ChunkRef>> series;
    bool good = true;
    for (uint32_t id = 0; id < reader->series_count(); ++id) {
      auto s = reader->series(id, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
      if (!s.ok()) {
        out.bad_files.push_back(key + ": " + s.error());
        good = false;
        break;
      }
      for (const auto& ref : s->chunks) {
        if (!is_chunk_path(ref.file)) {
          out.bad_files.push_back(key + ": chunk ref " + ref.file + " is not a chunk path");
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
  return out;
}

std::map<std::string, IndexedChunk> indexed_chunks(const TenantIndex& index) {
  std::map<std::string, IndexedChunk> out;
  for (const auto& [p, pi] : index.periods)
    for (const auto& [labels, refs] : pi.series)
      for (const auto& ref : refs) out.try_emplace(ref.id(), IndexedChunk{labels, ref});
  return out;
}

std::set<std::string> referenced_objects(const TenantIndex& index) {
  std::set<std::string> out;
  for (const auto& [p, pi] : index.periods)
    for (const auto& [labels, refs] : pi.series)
      for (const auto& ref : refs) out.insert(ref.file);
  return out;
}

std::string object_of_chunk_id(const std::string& id) { return id.substr(0, id.find('@')); }

bool is_chunk_path(std::string_view f) {
  auto slash = f.find('/');
  return slash != std::string_view::npos && f.find('/', slash + 1) == std::string_view::npos &&
         f.find("..") == std::string_view::npos && f.find('@') == std::string_view::npos && store::parse_period_dir_name(f.substr(0, slash)) &&
         f.size() > slash + 1;
}

std::vector<int64_t> periods_of(const idx::ChunkRef& ref) {
  std::vector<int64_t> out;
  for (int64_t p = idx::period_of(ref.min_time); p <= idx::period_of(ref.max_time); ++p) out.push_back(p);
  return out;
}

}  // namespace maint
