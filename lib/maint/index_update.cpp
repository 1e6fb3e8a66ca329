#include "maint/index_update.h"

#include <limits>

#include "chunk/chunk_reader.h"
#include "chunk/crc32c.h"
#include "index/index_writer.h"
#include "maint/pending_deletions.h"

namespace maint {

namespace {

// Content of `period` after the change: snapshot minus removed plus added chunks overlapping it.
std::map<model::LabelSet, std::set<idx::ChunkRef>> period_content(const PeriodIndex* pi, int64_t period,
                                                                  const ChunkChange& change) {
  std::map<model::LabelSet, std::set<idx::ChunkRef>> out;
  if (pi) {
    for (const auto& [labels, refs] : pi->series)
      for (const auto& ref : refs)
        if (!change.removed.count(ref.id())) out[labels].insert(ref);
  }
  for (const auto& c : change.added)
    if (idx::period_of(c.ref.min_time) <= period && period <= idx::period_of(c.ref.max_time))
      out[c.labels].insert(c.ref);
  return out;
}

util::Error in_store(const Target& target, const util::Status& s) {
  return util::Error{target.bucket->name() + ": " + s.error(), s.code()};
}

}  // namespace

util::Result<IndexedChunk> write_chunk(const Target& target, const std::string& tenant, std::string_view data) {
  auto reader = chunk::ChunkReader::open(data);
  if (!reader.ok()) return util::internal("new chunk does not decode: " + reader.error());
  const chunk::ChunkHeader& h = reader->header();
  // The index records raw line bytes (Loki's "bytes"), which only the entries tell.
  uint64_t line_bytes = 0;
  auto it = reader->entries(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  while (it.next()) line_bytes += it.line().size();
  if (!it.status().ok()) return util::internal("new chunk does not decode: " + it.status().error());
  std::string file = store::period_dir_name(idx::period_of(h.min_time)) + "/" +
                     store::chunk_file_name(h.labels.fingerprint(), h.min_time, h.max_time, chunk::crc32c(data));
  if (auto s = target.bucket->put(store::chunk_key(tenant, file), data); !s.ok()) return in_store(target, s);
  return IndexedChunk{h.labels, idx::ChunkRef{file, h.min_time, h.max_time, static_cast<uint32_t>(h.entries), line_bytes}};
}

util::Result<std::string> publish_index_file(const Target& target, const std::string& tenant, int64_t period,
                                             const std::map<model::LabelSet, std::set<idx::ChunkRef>>& series) {
  idx::IndexWriter writer;
  for (const auto& [labels, refs] : series)
    for (const auto& ref : refs) writer.add(labels, ref);
  std::string data = writer.build();
  // The writer id keeps other processes' names apart; the existence check covers this writer's
  // own files from an earlier run whose clock was ahead.
  for (;;) {
    std::string name = next_index_name(target);
    std::string key = store::index_period_prefix(tenant, period) + name;
    auto exists = target.bucket->exists(key);
    if (!exists.ok()) return in_store(target, exists.status_error());
    if (*exists) continue;
    if (auto s = target.bucket->put(key, data); !s.ok()) return in_store(target, s);
    return name;
  }
}

util::Result<ApplyResult> replace_periods(
    const Target& target, const TenantIndex& snap,
    const std::map<int64_t, std::map<model::LabelSet, std::set<idx::ChunkRef>>>& content) {
  ApplyResult result;
  std::vector<std::string> replaced;  // relative to the tenant
  for (const auto& [period, series] : content) {
    if (!series.empty()) {
      auto name = publish_index_file(target, snap.tenant, period, series);
      if (!name.ok()) return name.status_error();
      ++result.index_files_written;
    }
    auto it = snap.periods.find(period);
    if (it == snap.periods.end()) continue;
    for (const auto& f : it->second.files) replaced.push_back(tenant_index_key(period, f));
  }
  if (replaced.empty()) return result;
  if (target.delete_delay_ns > 0) {
    if (auto s = defer_deletion(target, snap.tenant, replaced, {}); !s.ok()) return s.status_error();
    result.index_files_deferred = replaced.size();
    return result;
  }
  std::vector<std::string> keys;
  for (const auto& r : replaced) keys.push_back(snap.tenant + "/" + r);
  if (auto s = target.bucket->remove_batch(keys).status(); !s.ok()) return in_store(target, s);
  result.index_files_removed = keys.size();
  return result;
}

util::Result<ApplyResult> apply_change(const Target& target, const TenantIndex& snap, const ChunkChange& change) {
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
  auto result = replace_periods(target, snap, content);
  if (!result.ok()) return result;
  // The objects the removed chunks are in; a segment among them goes only once no ref points
  // into it any more (remove_unreferenced_chunks checks). A rewrite can reproduce a chunk byte
  // for byte, landing on the same name: keep that object.
  std::set<std::string> doomed;
  for (const auto& id : change.removed) doomed.insert(object_of_chunk_id(id));
  for (const auto& c : change.added) doomed.erase(c.ref.file);
  if (doomed.empty()) return result;
  if (target.delete_delay_ns > 0) {
    if (auto s = defer_deletion(target, snap.tenant, {}, {doomed.begin(), doomed.end()}); !s.ok()) {
      return s.status_error();
    }
    result->chunks_deferred = doomed.size();
    return result;
  }
  auto removed = remove_unreferenced_chunks(target, snap.tenant, doomed);
  if (!removed.ok()) return removed;
  result->chunks_removed = removed->chunks_removed;
  result->chunks_kept = std::move(removed->chunks_kept);
  return result;
}

util::Result<ApplyResult> remove_unreferenced_chunks(const Target& target, const std::string& tenant,
                                                     const std::set<std::string>& files) {
  ApplyResult result;
  if (files.empty()) return result;
  // Names come from index files; never let one steer a deletion outside the chunk directory.
  for (const auto& f : files)
    if (!is_chunk_path(f)) return util::invalid_argument("refusing to remove chunk with unexpected name " + f);
  // Re-read the index as it is now: logd may have flushed a file referring to one of these
  // chunks (the same content flushed again lands on the same name) since our snapshot.
  auto now = load_tenant_index(target, tenant);
  if (!now.ok()) return now.status_error();
  auto referenced = referenced_objects(*now);
  std::vector<std::string> keys;
  for (const auto& f : files) {
    if (referenced.count(f)) {
      result.chunks_kept.push_back(f);
      continue;
    }
    keys.push_back(store::chunk_key(tenant, f));
  }
  if (keys.empty()) return result;
  if (auto s = target.bucket->remove_batch(keys).status(); !s.ok()) return in_store(target, s);
  result.chunks_removed = keys.size();
  return result;
}

}  // namespace maint
