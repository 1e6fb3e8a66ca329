#include "maint/chunk_rewrite.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>

#include "chunk/chunk_writer.h"

namespace maint {

namespace {

struct SourceEntry {
  int64_t ts;
  uint32_t source;
  std::string line;
  model::LabelSet metadata;
};

// Appends the entries of `group` (equal timestamps, sources in order) to `out`, each distinct
// line as many times as the source holding it most often.
void append_deduplicated(std::vector<SourceEntry>& group, std::vector<SourceEntry>& out) {
  if (group.size() == 1) {
    out.push_back(std::move(group[0]));
    return;
  }
  // For each line: how often each source has shown it so far, and how often it was emitted.
  std::map<std::string_view, std::pair<std::map<uint32_t, size_t>, size_t>> seen;
  std::vector<size_t> keep;
  for (size_t i = 0; i < group.size(); ++i) {
    auto& [per_source, emitted] = seen[group[i].line];
    size_t occurrence = ++per_source[group[i].source];
    if (occurrence > emitted) {
      emitted = occurrence;
      keep.push_back(i);
    }
  }
  for (size_t i : keep) out.push_back(std::move(group[i]));
}

}  // namespace

util::Result<std::vector<std::string>> merge_chunks(const std::vector<const chunk::ChunkReader*>& sources,
                                                    const RewriteOptions& options,
                                                    const std::function<bool(const model::Entry&)>& drop) {
  std::vector<std::string> out;
  if (sources.empty()) return out;
  const chunk::ChunkHeader& first = sources[0]->header();
  std::vector<SourceEntry> all;
  for (uint32_t s = 0; s < sources.size(); ++s) {
    const chunk::ChunkHeader& h = sources[s]->header();
    if (h.labels != first.labels || h.tenant != first.tenant)
      return util::Error{"merge: chunks of different streams (" + first.labels.to_string() + ", " +
                         h.labels.to_string() + ")"};
    auto entries = sources[s]->read_all();
    if (!entries.ok()) return entries.status_error();
    for (auto& e : *entries) {
      if (drop && drop(e)) continue;
      all.push_back(SourceEntry{e.timestamp, s, std::move(e.line), std::move(e.metadata)});
    }
  }
  // Stable: equal timestamps keep source order and, within a source, file order.
  std::stable_sort(all.begin(), all.end(), [](const SourceEntry& a, const SourceEntry& b) { return a.ts < b.ts; });
  std::vector<SourceEntry> merged;
  merged.reserve(all.size());
  std::vector<SourceEntry> group;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    group.clear();
    while (j < all.size() && all[j].ts == all[i].ts) group.push_back(std::move(all[j++]));
    append_deduplicated(group, merged);
    i = j;
  }
  chunk::ChunkWriterOptions wopts;
  wopts.target_block_size = options.target_block_size;
  wopts.zstd_level = options.zstd_level;
  std::unique_ptr<chunk::ChunkWriter> writer;
  auto finish = [&]() -> util::Status {
    auto data = writer->finish();
    if (!data.ok()) return data.status_error();
    out.push_back(std::move(*data));
    writer.reset();
    return {};
  };
  for (const auto& e : merged) {
    if (!writer) {
      auto w = chunk::ChunkWriter::create(first.tenant, first.labels, wopts);
      if (!w.ok()) return w.status_error();
      writer = std::move(*w);
    }
    if (auto s = writer->append(e.ts, e.line, e.metadata); !s.ok()) return s.status_error();
    if (writer->estimated_size() >= options.target_chunk_size)
      if (auto s = finish(); !s.ok()) return s.status_error();
  }
  if (writer && !writer->empty())
    if (auto s = finish(); !s.ok()) return s.status_error();
  return out;
}

namespace {

// The stored size of a chunk by id (0 when its object is missing): a segment member's byte range.
uint64_t size_of(const std::map<std::string, ChunkObject>& objects, const std::string& id) {
  auto loc = idx::parse_chunk_id(id);
  if (!loc) return 0;
  auto it = objects.find(loc->file);
  if (it == objects.end()) return 0;
  return loc->length != 0 ? loc->length : it->second.size;
}

// Opens and fully verifies the chunks of `files`; a bad one is reported and makes the caller
// leave its group alone (rewriting would drop or spread the damage). Fails only when the store
// does not answer.
util::Result<bool> open_verified(const Target& target, const TenantIndex& snap, const std::vector<std::string>& files,
                                 std::vector<chunk::ChunkReader>& out, std::vector<std::string>& skipped) {
  out.clear();
  for (const auto& f : files) {
    auto r = open_chunk(target, snap.tenant, f);
    util::Status s = r.ok() ? r->verify() : util::Status(r.status_error());
    if (!s.ok() && s.code() != util::ErrorCode::kCorruption && s.code() != util::ErrorCode::kNotFound) {
      return s.status_error();
    }
    if (s.ok() && r->header().tenant != snap.tenant) s = util::corruption("chunk of tenant " + r->header().tenant);
    if (!s.ok()) {
      skipped.push_back(f + ": " + s.error());
      return false;
    }
    out.push_back(std::move(*r));
  }
  return true;
}

// Replaces `files` of one stream by the merge of their entries; fills the change and report.
util::Status rewrite_group(const Target& target, const TenantIndex& snap, const std::map<std::string, ChunkObject>& objects,
                           const std::vector<std::string>& files, const RewriteOptions& options, ChunkChange& change,
                           RewriteReport& report) {
  std::vector<chunk::ChunkReader> readers;
  auto opened = open_verified(target, snap, files, readers, report.skipped);
  if (!opened.ok()) return opened.status_error();
  if (!*opened) return {};
  std::vector<const chunk::ChunkReader*> ptrs;
  for (const auto& r : readers) ptrs.push_back(&r);
  auto merged = merge_chunks(ptrs, options);
  if (!merged.ok()) return merged.status_error();
  std::vector<IndexedChunk> written;
  for (const auto& data : *merged) {
    auto c = write_chunk(target, snap.tenant, data);
    if (!c.ok()) return c.status_error();
    written.push_back(std::move(*c));
    report.bytes_out += data.size();
  }
  // Re-encoding can reproduce a source byte for byte (same name): nothing to swap then.
  if (written.size() == files.size() &&
      std::equal(written.begin(), written.end(), files.begin(),
                 [](const IndexedChunk& c, const std::string& f) { return c.ref.id() == f; }))
    return {};
  ++report.streams;
  report.chunks_in += files.size();
  report.chunks_out += written.size();
  for (const auto& f : files) {
    report.bytes_in += size_of(objects, f);
    change.removed.insert(f);
  }
  for (auto& c : written) change.added.push_back(std::move(c));
  return {};
}

// The tenant's chunks by stream, each stream's sorted by time.
std::map<model::LabelSet, std::vector<idx::ChunkRef>> chunks_by_stream(const TenantIndex& snap) {
  std::map<model::LabelSet, std::vector<idx::ChunkRef>> out;
  for (auto& [file, c] : indexed_chunks(snap)) out[c.labels].push_back(c.ref);
  // By time, not by ChunkRef's own order (which compares the file name first).
  for (auto& [labels, refs] : out)
    std::sort(refs.begin(), refs.end(), [](const idx::ChunkRef& a, const idx::ChunkRef& b) {
      return std::tie(a.min_time, a.max_time, a.file) < std::tie(b.min_time, b.max_time, b.file);
    });
  return out;
}

}  // namespace

util::Result<RewriteReport> compact_tenant(const Target& target, const std::string& tenant,
                                           const RewriteOptions& options, bool dry_run, const Progress& progress) {
  auto snap = load_tenant_index(target, tenant);
  if (!snap.ok()) return snap.status_error();
  auto objects = list_chunk_objects(target, tenant);
  if (!objects.ok()) return objects.status_error();
  RewriteReport report;
  // Plan: runs of small chunks of one stream and storage period, cut once they reach the target.
  std::vector<std::vector<std::string>> groups;
  for (const auto& [labels, refs] : chunks_by_stream(*snap)) {
    std::vector<std::string> run;
    uint64_t run_bytes = 0;
    int64_t run_period = 0;
    auto close_run = [&] {
      if (run.size() >= 2) groups.push_back(run);
      run.clear();
      run_bytes = 0;
    };
    for (const auto& ref : refs) {
      uint64_t size = size_of(*objects, ref.id());
      int64_t period = idx::period_of(ref.min_time);
      if (size == 0 || size >= options.target_chunk_size) {  // missing or big enough: breaks a run
        close_run();
        continue;
      }
      if (!run.empty() && (period != run_period || run_bytes + size > options.target_chunk_size)) close_run();
      run.push_back(ref.id());
      run_bytes += size;
      run_period = period;
    }
    close_run();
  }
  if (dry_run) {
    for (const auto& g : groups) {
      report.chunks_in += g.size();
      ++report.streams;
      for (const auto& f : g) report.bytes_in += size_of(*objects, f);
    }
    return report;
  }
  ChunkChange change;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (progress) progress(i, groups.size());
    if (auto s = rewrite_group(target, *snap, *objects, groups[i], options, change, report); !s.ok()) {
      return s.status_error();
    }
  }
  if (progress) progress(groups.size(), groups.size());
  auto applied = apply_change(target, *snap, change);
  if (!applied.ok()) return applied.status_error();
  report.applied = std::move(*applied);
  return report;
}

util::Result<RewriteReport> recompress_tenant(const Target& target, const std::string& tenant,
                                              const RewriteOptions& options, const Progress& progress) {
  auto snap = load_tenant_index(target, tenant);
  if (!snap.ok()) return snap.status_error();
  auto objects = list_chunk_objects(target, tenant);
  if (!objects.ok()) return objects.status_error();
  RewriteReport report;
  RewriteOptions one = options;
  one.target_chunk_size = SIZE_MAX;  // one chunk in, one chunk out
  auto chunks = indexed_chunks(*snap);
  ChunkChange change;
  size_t done = 0;
  for (const auto& [file, c] : chunks) {
    if (progress) progress(done++, chunks.size());
    if (auto s = rewrite_group(target, *snap, *objects, {file}, one, change, report); !s.ok()) return s.status_error();
  }
  if (progress) progress(chunks.size(), chunks.size());
  auto applied = apply_change(target, *snap, change);
  if (!applied.ok()) return applied.status_error();
  report.applied = std::move(*applied);
  return report;
}

}  // namespace maint
