#include "index/index_set.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

namespace idx {
namespace {

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

util::Result<IndexSet> IndexSet::open_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return IndexSet{};
    return util::internal("open index directory " + dir + ": " + std::strerror(errno));
  }
  std::vector<std::string> names;
  while (auto* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    // Temporary files of an in-progress atomic write end in ".tmp.<...>", never in ".idx".
    if (n.size() > 4 && n.substr(n.size() - 4) == ".idx") names.emplace_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  std::vector<IndexReader> readers;
  for (const auto& n : names) {
    auto r = IndexReader::open(dir + "/" + n);
    if (!r.ok()) return r.status_error();
    readers.push_back(std::move(*r));
  }
  return IndexSet(std::move(readers));
}

std::vector<std::string> IndexSet::label_names() const {
  std::vector<std::string> out;
  for (const auto& r : readers_) {
    auto names = r.label_names();
    out.insert(out.end(), names.begin(), names.end());
  }
  sort_unique(out);
  return out;
}

std::vector<std::string> IndexSet::label_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& r : readers_) {
    auto values = r.label_values(name);
    out.insert(out.end(), values.begin(), values.end());
  }
  sort_unique(out);
  return out;
}

util::Result<std::vector<SeriesChunks>> IndexSet::chunk_refs(const std::vector<Matcher>& matchers, int64_t start,
                                                             int64_t end) const {
  auto compiled = compile_matchers(matchers);  // once, not per file
  if (!compiled.ok()) return compiled.status_error();
  if (readers_.size() == 1) return readers_[0].chunk_refs(matchers, start, end);
  std::map<model::LabelSet, SeriesChunks> merged;
  for (const auto& r : readers_) {
    auto ids = r.select(*compiled);
    if (!ids.ok()) return ids.status_error();
    for (uint32_t id : *ids) {
      auto s = r.series(id, start, end);
      if (!s.ok()) return s.status_error();
      if (s->chunks.empty()) continue;
      auto [it, inserted] = merged.try_emplace(s->labels, std::move(*s));
      if (!inserted) {
        auto& chunks = it->second.chunks;
        chunks.insert(chunks.end(), s->chunks.begin(), s->chunks.end());
      }
    }
  }
  std::vector<SeriesChunks> out;
  out.reserve(merged.size());
  for (auto& [labels, s] : merged) {
    std::sort(s.chunks.begin(), s.chunks.end(), [](const ChunkRef& a, const ChunkRef& b) {
      return std::tie(a.min_time, a.max_time, a.file, a.offset, a.length, a.entries, a.bytes) <
             std::tie(b.min_time, b.max_time, b.file, b.offset, b.length, b.entries, b.bytes);
    });
    s.chunks.erase(std::unique(s.chunks.begin(), s.chunks.end()), s.chunks.end());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace idx
