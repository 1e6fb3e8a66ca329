#include "store/local_store.h"

#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>

#include "chunk/chunk_reader.h"
#include "chunk/crc32c.h"
#include "fsutil/atomic_file.h"
#include "index/index_writer.h"
#include "store/layout.h"
#include "util/clock.h"

namespace store {
namespace {

std::function<void(const std::string&)> default_warn(std::function<void(const std::string&)> warn) {
  if (warn) return warn;
  return [](const std::string& msg) { std::fprintf(stderr, "warning: %s\n", msg.c_str()); };
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::vector<idx::Matcher> to_index_matchers(const std::vector<logql::ast::Matcher>& matchers) {
  std::vector<idx::Matcher> out;
  out.reserve(matchers.size());
  for (const auto& m : matchers) {
    idx::MatchType t = idx::MatchType::kEqual;
    switch (m.op) {
      case logql::ast::MatchOp::Eq: t = idx::MatchType::kEqual; break;
      case logql::ast::MatchOp::Neq: t = idx::MatchType::kNotEqual; break;
      case logql::ast::MatchOp::Re: t = idx::MatchType::kRegex; break;
      case logql::ast::MatchOp::Nre: t = idx::MatchType::kNotRegex; break;
    }
    out.push_back(idx::Matcher{m.name, t, m.value});
  }
  return out;
}

LocalStoreState::LocalStoreState(LocalStoreOptions options)
    : root(std::move(options.dir)),
      warn(default_warn(std::move(options.warn))),
      cache(warn, &corrupt_index_files) {}

util::Result<std::map<model::LabelSet, std::vector<idx::ChunkRef>>> LocalStoreState::series_chunks(
    const std::string& tenant, const std::vector<idx::Matcher>& matchers, int64_t start, int64_t end) {
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  std::map<model::LabelSet, std::vector<idx::ChunkRef>> out;
  if (start >= end) return out;
  std::string index_dir = tenant_paths(root, tenant).index;
  for (int64_t p : cache.periods(index_dir, idx::period_of(start), idx::period_of(end - 1))) {
    auto set = cache.get(index_dir + "/" + period_dir_name(p));
    auto refs = set->chunk_refs(matchers, start, end);
    if (!refs.ok()) return refs.status_error();
    for (auto& s : *refs) {
      auto& chunks = out[std::move(s.labels)];
      chunks.insert(chunks.end(), std::make_move_iterator(s.chunks.begin()), std::make_move_iterator(s.chunks.end()));
    }
  }
  // A chunk spanning midnight is listed in the index of each day it covers.
  for (auto& [labels, chunks] : out) {
    std::sort(chunks.begin(), chunks.end());
    chunks.erase(std::unique(chunks.begin(), chunks.end(),
                             [](const idx::ChunkRef& a, const idx::ChunkRef& b) { return a.file == b.file; }),
                 chunks.end());
  }
  return out;
}

LocalStore::LocalStore(LocalStoreOptions options) : state_(std::make_shared<LocalStoreState>(std::move(options))) {}

util::Result<std::unique_ptr<ChunkStore>> open_local_store(const LocalStoreOptions& options) {
  if (options.dir.empty()) return util::Error{"store directory is empty"};
  if (auto s = fsutil::create_directories(options.dir); !s.ok()) return s.status_error();
  return std::unique_ptr<ChunkStore>(new LocalStore(options));
}

std::string LocalStore::next_index_file_name(const std::string& dir) {
  // Nanosecond wall time, strictly increasing within the process; names sort in write order.
  // The existence check covers a clock that went back across a restart: an index file must
  // never be replaced.
  for (;;) {
    int64_t now = util::system_clock().now_ns();
    int64_t last = state_->last_index_name.load();
    int64_t next = std::max(now, last + 1);
    if (!state_->last_index_name.compare_exchange_weak(last, next)) continue;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%020" PRId64 ".idx", next);
    if (::access((dir + "/" + buf).c_str(), F_OK) == 0) continue;
    return buf;
  }
}

util::Status LocalStore::write_chunks(const std::string& tenant, std::vector<FlushedChunk> chunks) {
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s;
  TenantPaths paths = tenant_paths(state_->root, tenant);
  std::map<int64_t, idx::IndexWriter> index_by_period;
  std::set<std::string> dirs_made;
  std::vector<fsutil::FileToWrite> files;
  files.reserve(chunks.size());
  uint64_t bytes = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const FlushedChunk& c = chunks[i];
    // Check the bytes before they become durable: a chunk we cannot read back is a bug upstream.
    auto reader = chunk::ChunkReader::open(c.data);
    if (!reader.ok()) return util::prefixed("write_chunks: chunk " + std::to_string(i) + " does not decode: ", reader.status_error());
    const chunk::ChunkHeader& h = reader->header();
    if (h.labels != c.labels || h.tenant != tenant) {
      return util::Error{"write_chunks: chunk " + std::to_string(i) + " is for " + h.labels.to_string() + " of tenant " +
                         h.tenant + ", not " + c.labels.to_string() + " of tenant " + tenant};
    }
    if (h.entries == 0) continue;
    if (h.entries > UINT32_MAX) return util::Error{"write_chunks: chunk " + std::to_string(i) + " has too many entries"};
    std::string period = period_dir_name(idx::period_of(h.min_time));
    std::string dir = paths.chunks + "/" + period;
    if (dirs_made.insert(dir).second) {
      if (auto s = fsutil::create_directories(dir); !s.ok()) return s;
    }
    std::string name = chunk_file_name(h.labels.fingerprint(), h.min_time, h.max_time, chunk::crc32c(c.data));
    files.push_back(fsutil::FileToWrite{dir + "/" + name, c.data});
    bytes += c.data.size();
    idx::ChunkRef ref{period + "/" + name, h.min_time, h.max_time, static_cast<uint32_t>(h.entries), c.line_bytes};
    for (int64_t p = idx::period_of(h.min_time); p <= idx::period_of(h.max_time); ++p) {
      index_by_period[p].add(h.labels, ref);
    }
  }
  // All chunk files of the batch in one go: a constant number of sync calls rather than two per
  // chunk, which made a flush of 100k streams take minutes. `chunks` owns the bytes `files` views.
  if (auto s = fsutil::write_files_atomically(files); !s.ok()) return s;
  state_->chunks_written.fetch_add(files.size(), std::memory_order_relaxed);
  state_->chunk_bytes_written.fetch_add(bytes, std::memory_order_relaxed);
  // Every chunk file is durable now; the index files may point at them.
  for (auto& [p, writer] : index_by_period) {
    std::string dir = paths.index + "/" + period_dir_name(p);
    if (auto s = fsutil::create_directories(dir); !s.ok()) return s;
    auto s = writer.write(dir + "/" + next_index_file_name(dir));
    state_->cache.invalidate(dir);
    if (!s.ok()) return s;
    state_->index_files_written.fetch_add(1, std::memory_order_relaxed);
  }
  return {};
}

util::Result<std::unique_ptr<logql::LogSource>> LocalStore::source(const std::string& tenant) {
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  return make_store_source(state_, tenant);
}

util::Result<std::vector<std::string>> LocalStore::label_query(const std::string& tenant, const std::string* name,
                                                               const std::vector<idx::Matcher>& matchers,
                                                               int64_t start, int64_t end) {
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  std::vector<std::string> out;
  if (start >= end) return out;
  std::string index_dir = tenant_paths(state_->root, tenant).index;
  std::vector<idx::Matcher> ms = matchers;
  if (name) ms.push_back(idx::Matcher{*name, idx::MatchType::kRegex, ".+"});  // only series with the label
  for (int64_t p : state_->cache.periods(index_dir, idx::period_of(start), idx::period_of(end - 1))) {
    auto set = state_->cache.get(index_dir + "/" + period_dir_name(p));
    // Every series in a day's index has a chunk overlapping that day, so when the range covers
    // the whole day and nothing filters series, the label index answers without series lookups.
    bool whole_day = start <= idx::period_start(p) && idx::period_start(p + 1) <= end;
    if (whole_day && matchers.empty()) {
      auto v = name ? set->label_values(*name) : set->label_names();
      out.insert(out.end(), v.begin(), v.end());
      continue;
    }
    auto refs = set->chunk_refs(ms, start, end);
    if (!refs.ok()) return refs.status_error();
    for (const auto& s : *refs) {
      if (name) {
        if (auto v = s.labels.get(*name)) out.emplace_back(*v);
      } else {
        for (const auto& l : s.labels) out.push_back(l.name);
      }
    }
    sort_unique(out);  // keeps `out` small across periods
  }
  sort_unique(out);
  return out;
}

util::Result<std::vector<std::string>> LocalStore::label_names(const std::string& tenant, int64_t start, int64_t end) {
  return label_query(tenant, nullptr, {}, start, end);
}

util::Result<std::vector<std::string>> LocalStore::label_values(const std::string& tenant, const std::string& name,
                                                                const std::vector<logql::ast::Matcher>& matchers,
                                                                int64_t start, int64_t end) {
  return label_query(tenant, &name, to_index_matchers(matchers), start, end);
}

util::Result<std::vector<model::LabelSet>> LocalStore::series(const std::string& tenant,
                                                              const std::vector<logql::ast::Matcher>& matchers,
                                                              int64_t start, int64_t end) {
  auto refs = state_->series_chunks(tenant, to_index_matchers(matchers), start, end);
  if (!refs.ok()) return refs.status_error();
  std::vector<model::LabelSet> out;
  out.reserve(refs->size());
  for (auto& [labels, chunks] : *refs) out.push_back(labels);
  return out;
}

util::Result<IndexStats> LocalStore::stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                           int64_t start, int64_t end) {
  auto refs = state_->series_chunks(tenant, to_index_matchers(matchers), start, end);
  if (!refs.ok()) return refs.status_error();
  IndexStats st;
  for (const auto& [labels, chunks] : *refs) {
    ++st.streams;
    for (const auto& c : chunks) {
      ++st.chunks;
      st.entries += c.entries;
      st.bytes += c.bytes;
    }
  }
  return st;
}

StoreCounters LocalStore::counters() const {
  const auto& s = *state_;
  return StoreCounters{s.chunks_written.load(), s.chunk_bytes_written.load(), s.index_files_written.load(),
                       s.chunks_opened.load(), s.corrupt_chunks_skipped.load(), s.corrupt_index_files.load()};
}

}  // namespace store
