#include "maint/index_update.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <limits>

#include "chunk/chunk_reader.h"
#include "chunk/crc32c.h"
#include "fsutil/atomic_file.h"
#include "index/index_writer.h"
#include "util/clock.h"

namespace maint {

namespace {

util::Status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return util::Error{"remove " + path + ": " + std::strerror(errno)};
  return {};
}

// Content of `period` after the change: snapshot minus removed plus added chunks overlapping it.
std::map<model::LabelSet, std::set<idx::ChunkRef>> period_content(const PeriodIndex* pi, int64_t period,
                                                                  const ChunkChange& change) {
  std::map<model::LabelSet, std::set<idx::ChunkRef>> out;
  if (pi) {
    for (const auto& [labels, refs] : pi->series)
      for (const auto& ref : refs)
        if (!change.removed.count(ref.file)) out[labels].insert(ref);
  }
  for (const auto& c : change.added)
    if (idx::period_of(c.ref.min_time) <= period && period <= idx::period_of(c.ref.max_time))
      out[c.labels].insert(c.ref);
  return out;
}

}  // namespace

util::Result<IndexedChunk> write_chunk(const store::TenantPaths& paths, std::string_view data) {
  auto reader = chunk::ChunkReader::open(data);
  if (!reader.ok()) return util::prefixed("new chunk does not decode: ", reader.status_error());
  const chunk::ChunkHeader& h = reader->header();
  // The index records raw line bytes (Loki's "bytes"), which only the entries tell.
  uint64_t line_bytes = 0;
  auto it = reader->entries(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  while (it.next()) line_bytes += it.line().size();
  if (!it.status().ok()) return util::prefixed("new chunk does not decode: ", it.status().status_error());
  std::string period = store::period_dir_name(idx::period_of(h.min_time));
  std::string dir = paths.chunks + "/" + period;
  if (auto s = fsutil::create_directories(dir); !s.ok()) return s.status_error();
  std::string name = store::chunk_file_name(h.labels.fingerprint(), h.min_time, h.max_time, chunk::crc32c(data));
  if (auto s = fsutil::write_file_atomically(dir + "/" + name, data); !s.ok()) return s.status_error();
  return IndexedChunk{h.labels, idx::ChunkRef{period + "/" + name, h.min_time, h.max_time,
                                              static_cast<uint32_t>(h.entries), line_bytes}};
}

util::Result<std::string> publish_index_file(const std::string& dir,
                                             const std::map<model::LabelSet, std::set<idx::ChunkRef>>& series) {
  idx::IndexWriter writer;
  for (const auto& [labels, refs] : series)
    for (const auto& ref : refs) writer.add(labels, ref);
  if (auto s = fsutil::create_directories(dir); !s.ok()) return s.status_error();
  // Written under a temporary name, then link()ed to the final one: unlike rename(), link()
  // fails instead of replacing a file logd may have published under the same name.
  char tmp_name[64];
  std::snprintf(tmp_name, sizeof tmp_name, "maint.idx.tmp.%d", static_cast<int>(::getpid()));
  std::string tmp = dir + "/" + tmp_name;
  if (auto s = writer.write(tmp); !s.ok()) return s.status_error();
  for (int64_t seq = util::system_clock().now_ns();; ++seq) {
    char name[40];
    std::snprintf(name, sizeof name, "%020" PRId64 ".idx", seq);
    std::string path = dir + "/" + name;
    if (::link(tmp.c_str(), path.c_str()) == 0) {
      (void)remove_file(tmp);
      if (auto s = fsutil::fsync_directory(dir); !s.ok()) return s.status_error();
      return std::string(name);
    }
    if (errno != EEXIST) {
      std::string err = "publish " + path + ": " + std::strerror(errno);
      (void)remove_file(tmp);
      return util::Error{err};
    }
  }
}

util::Result<ApplyResult> replace_periods(
    const TenantIndex& snap, const std::map<int64_t, std::map<model::LabelSet, std::set<idx::ChunkRef>>>& content) {
  ApplyResult result;
  for (const auto& [period, series] : content) {
    std::string dir = snap.paths.index + "/" + store::period_dir_name(period);
    if (!series.empty()) {
      auto name = publish_index_file(dir, series);
      if (!name.ok()) return name.status_error();
      ++result.index_files_written;
    }
    auto it = snap.periods.find(period);
    if (it == snap.periods.end()) continue;
    for (const auto& f : it->second.files) {
      if (auto s = remove_file(dir + "/" + f); !s.ok()) return s.status_error();
      ++result.index_files_removed;
    }
    if (!it->second.files.empty())
      if (auto s = fsutil::fsync_directory(dir); !s.ok()) return s.status_error();
  }
  return result;
}

util::Result<ApplyResult> apply_change(const TenantIndex& snap, const ChunkChange& change) {
  if (change.empty()) return ApplyResult{};
  std::set<int64_t> affected;
  auto chunks = indexed_chunks(snap);
  for (const auto& f : change.removed) {
    auto it = chunks.find(f);
    if (it == chunks.end()) continue;
    for (int64_t p : periods_of(it->second.ref)) affected.insert(p);
  }
  for (const auto& c : change.added)
    for (int64_t p : periods_of(c.ref)) affected.insert(p);
  std::map<int64_t, std::map<model::LabelSet, std::set<idx::ChunkRef>>> content;
  for (int64_t p : affected) {
    auto it = snap.periods.find(p);
    content[p] = period_content(it == snap.periods.end() ? nullptr : &it->second, p, change);
  }
  auto result = replace_periods(snap, content);
  if (!result.ok()) return result;
  // A rewrite can reproduce a chunk byte for byte, landing on the same name: keep that file.
  std::set<std::string> doomed = change.removed;
  for (const auto& c : change.added) doomed.erase(c.ref.file);
  auto removed = remove_unreferenced_chunks(snap.root, snap.tenant, doomed);
  if (!removed.ok()) return removed;
  result->chunks_removed = removed->chunks_removed;
  result->chunks_kept = std::move(removed->chunks_kept);
  return result;
}

util::Result<ApplyResult> remove_unreferenced_chunks(const std::string& store_root, const std::string& tenant,
                                                     const std::set<std::string>& files) {
  ApplyResult result;
  if (files.empty()) return result;
  // Re-read the index as it is now: logd may have flushed a file referring to one of these
  // chunks (the same content flushed again lands on the same name) since our snapshot.
  auto now = load_tenant_index(store_root, tenant);
  if (!now.ok()) return now.status_error();
  auto referenced = indexed_chunks(*now);
  std::set<std::string> dirs;
  for (const auto& f : files) {
    // Names come from index files; never let one steer a deletion outside the chunk directory.
    if (!is_chunk_path(f)) return util::Error{"refusing to remove chunk with unexpected name " + f};
    if (referenced.count(f)) {
      result.chunks_kept.push_back(f);
      continue;
    }
    std::string path = now->paths.chunks + "/" + f;
    if (auto s = remove_file(path); !s.ok()) return s.status_error();
    dirs.insert(fsutil::parent_directory(path));
    ++result.chunks_removed;
  }
  for (const auto& d : dirs)
    if (auto s = fsutil::fsync_directory(d); !s.ok()) return s.status_error();
  return result;
}

}  // namespace maint
