#include "store/bucket_store.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "chunk/chunk_reader.h"
#include "chunk/crc32c.h"
#include "fsutil/atomic_file.h"
#include "index/index_writer.h"
#include "objstore/filesystem_bucket.h"
#include "store/layout.h"
#include "store/local_index_catalog.h"
#include "store/remote_index_catalog.h"
#include "store/segment_packing.h"
#include "store/writer_id.h"

namespace store {
namespace {

std::function<void(const std::string&)> default_warn(std::function<void(const std::string&)> warn) {
  if (warn) return warn;
  return [](const std::string& msg) { std::fprintf(stderr, "warning: %s\n", msg.c_str()); };
}

// The directory a bucket of plain local files keeps its objects in; "" for a remote bucket.
std::string local_root(const objstore::Bucket& bucket) {
  std::string probe = bucket.local_file("x");
  return probe.empty() ? "" : probe.substr(0, probe.size() - 2);
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

util::Result<std::map<model::LabelSet, std::vector<idx::ChunkRef>>> StoreState::series_chunks(
    const std::string& tenant, const std::vector<idx::Matcher>& matchers, int64_t start, int64_t end) {
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  std::map<model::LabelSet, std::vector<idx::ChunkRef>> out;
  if (start >= end) return out;
  auto periods = catalog->periods(tenant, idx::period_of(start), idx::period_of(end - 1));
  if (!periods.ok()) return periods.status_error();
  for (int64_t p : *periods) {
    auto set = catalog->get(tenant, p);
    if (!set.ok()) return set.status_error();
    auto refs = (*set)->chunk_refs(matchers, start, end);
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
                             [](const idx::ChunkRef& a, const idx::ChunkRef& b) {
                               return a.file == b.file && a.offset == b.offset && a.length == b.length;
                             }),
                 chunks.end());
  }
  return out;
}

BucketStore::BucketStore(std::shared_ptr<StoreState> state, StoreOptions options)
    : state_(std::move(state)), options_(std::move(options)) {}

util::Result<std::unique_ptr<ChunkStore>> open_store(StoreOptions options) {
  if (!options.bucket) return util::invalid_argument("store: no bucket");
  if (options.read_threads < 0 || options.read_threads > kMaxReadThreads)
    return util::invalid_argument("store: read threads " + std::to_string(options.read_threads) + " out of range (0 to " +
                                  std::to_string(kMaxReadThreads) + ")");
  if (auto s = check_writer_id(options.writer_id); !s.ok()) return s.status_error();
  if (!options.clock) options.clock = &util::system_clock();
  auto state = std::make_shared<StoreState>();
  state->bucket = options.bucket;
  state->warn = default_warn(options.warn);
  std::string root = local_root(*options.bucket);
  state->remote = root.empty();
  if (!state->remote) {
    state->catalog = std::make_unique<LocalIndexCatalog>(root, state->warn, &state->corrupt_index_files);
  } else {
    if (!options.cache_dir.empty()) {
      auto cache = ObjectCache::open(ObjectCacheOptions{options.cache_dir, options.cache_max_bytes,
                                                        options.cache_ttl_ns, options.clock});
      if (!cache.ok()) return cache.status_error();
      state->cache = std::move(*cache);
    }
    RemoteIndexOptions ro;
    ro.bucket = options.bucket.get();
    ro.cache = state->cache.get();
    ro.resync_interval_ns = options.resync_interval_ns;
    ro.clock = options.clock;
    ro.warn = state->warn;
    ro.corrupt_index_files = &state->corrupt_index_files;
    state->catalog = std::make_unique<RemoteIndexCatalog>(std::move(ro));
  }
  state->chunks = std::make_unique<ChunkFetcher>(options.bucket, state->cache.get());
  if (options.read_threads > 0)
    state->read_pool = std::make_unique<BlockReadPool>(options.read_threads, options.read_ahead_bytes);
  state->use_block_filters = options.use_block_filters;
  auto store = std::make_unique<BucketStore>(std::move(state), std::move(options));
  // Left by a crash between writing an index file and uploading it; a store that does not
  // answer yet gets them from maintain() later.
  (void)store->upload_pending_index_files();
  return std::unique_ptr<ChunkStore>(std::move(store));
}

util::Result<std::unique_ptr<ChunkStore>> open_local_store(const LocalStoreOptions& options) {
  if (options.dir.empty()) return util::invalid_argument("store directory is empty");
  if (auto s = fsutil::create_directories(options.dir); !s.ok()) return s.status_error();
  StoreOptions so;
  so.bucket = std::make_shared<objstore::FilesystemBucket>(options.dir);
  so.writer_id = options.writer_id;
  so.warn = options.warn;
  so.segment_chunk_max_bytes = options.segment_chunk_max_bytes;
  return open_store(std::move(so));
}

util::Result<std::string> BucketStore::next_index_file_name(const std::string& tenant, int64_t period) {
  // Wall-clock nanoseconds, strictly increasing within the process, so a writer's names sort in
  // write order; the writer id keeps other processes' names apart. On a local store the file is
  // also checked to be new (a clock that went back across a restart): an index file must never
  // be replaced.
  for (;;) {
    int64_t now = options_.clock->now_ns();
    int64_t last = last_index_sequence_.load();
    int64_t next = std::max(now, last + 1);
    if (!last_index_sequence_.compare_exchange_weak(last, next)) continue;
    std::string name = index_file_name(next, options_.writer_id);
    std::string local = state_->bucket->local_file(index_period_prefix(tenant, period) + name);
    if (!local.empty() && ::access(local.c_str(), F_OK) == 0) continue;
    return name;
  }
}

util::Status BucketStore::ensure_tenant_marker(const std::string& tenant) {
  {
    std::lock_guard lock(markers_mu_);
    if (tenants_marked_.count(tenant)) return {};
  }
  if (auto s = state_->bucket->put(tenant_marker_key(tenant), tenant + "\n"); !s.ok()) return s;
  std::lock_guard lock(markers_mu_);
  tenants_marked_.insert(tenant);
  return {};
}

util::Status BucketStore::store_index_file(const std::string& tenant, int64_t period, const std::string& data) {
  auto name = next_index_file_name(tenant, period);
  if (!name.ok()) return name.status_error();
  std::string key = index_period_prefix(tenant, period) + *name;
  std::string active;
  if (state_->remote && !options_.active_index_dir.empty()) {
    // Durable here first: a crash before the upload leaves it to upload_pending_index_files().
    active = options_.active_index_dir + "/" + key;
    if (auto s = fsutil::create_directories(fsutil::parent_directory(active)); !s.ok()) return s;
    if (auto s = fsutil::write_file_atomically(active, data); !s.ok()) return s;
  }
  if (auto s = state_->bucket->put(key, data); !s.ok()) {
    // The ingester keeps the batch and flushes it again, with a new index file.
    if (!active.empty()) ::unlink(active.c_str());
    return util::Error{"store " + state_->bucket->name() + ": uploading index file " + key + ": " + s.error(), s.code()};
  }
  state_->catalog->published(tenant, period, *name, data);
  if (!active.empty()) ::unlink(active.c_str());
  state_->index_files_written.fetch_add(1, std::memory_order_relaxed);
  return {};
}

util::Status BucketStore::write_chunks(const std::string& tenant, std::vector<FlushedChunk> chunks) {
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s;
  std::vector<std::string_view> datas;
  std::vector<idx::ChunkRef> refs;
  std::vector<const model::LabelSet*> labels;
  datas.reserve(chunks.size());
  refs.reserve(chunks.size());
  labels.reserve(chunks.size());
  uint64_t bytes = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const FlushedChunk& c = chunks[i];
    // Check the bytes before they become durable: a chunk we cannot read back is a bug upstream.
    auto reader = chunk::ChunkReader::open(c.data);
    if (!reader.ok()) {
      return util::internal("write_chunks: chunk " + std::to_string(i) + " does not decode: " + reader.error());
    }
    const chunk::ChunkHeader& h = reader->header();
    if (h.labels != c.labels || h.tenant != tenant) {
      return util::internal("write_chunks: chunk " + std::to_string(i) + " is for " + h.labels.to_string() +
                            " of tenant " + h.tenant + ", not " + c.labels.to_string() + " of tenant " + tenant);
    }
    if (h.entries == 0) continue;
    if (h.entries > UINT32_MAX) return util::internal("write_chunks: chunk " + std::to_string(i) + " has too many entries");
    std::string file = period_dir_name(idx::period_of(h.min_time)) + "/" +
                       chunk_file_name(h.labels.fingerprint(), h.min_time, h.max_time, chunk::crc32c(c.data));
    datas.push_back(c.data);
    refs.push_back(idx::ChunkRef{std::move(file), h.min_time, h.max_time, static_cast<uint32_t>(h.entries), c.line_bytes});
    labels.push_back(&c.labels);
    bytes += c.data.size();
  }
  if (refs.empty()) return {};
  if (auto s = ensure_tenant_marker(tenant); !s.ok()) {
    return util::Error{"store " + state_->bucket->name() + ": " + s.error(), s.code()};
  }
  // Small chunks share segment objects; the rest are objects of their own. All of them go in one
  // put_many: locally a constant number of sync calls (one file per chunk and two syncs each
  // made a flush of 100k streams take minutes), remotely parallel requests.
  std::vector<SegmentObject> segments =
      pack_segments(datas, refs, options_.segment_chunk_max_bytes, options_.segment_max_bytes);
  std::vector<objstore::ObjectToPut> objects;
  objects.reserve(segments.size() + refs.size());
  for (const auto& seg : segments) objects.push_back({chunk_key(tenant, seg.file), seg.data});
  for (size_t i = 0; i < refs.size(); ++i)
    if (!refs[i].in_segment()) objects.push_back({chunk_key(tenant, refs[i].file), datas[i]});
  if (auto s = state_->bucket->put_many(objects); !s.ok()) {
    return util::Error{"store " + state_->bucket->name() + ": " + s.error(), s.code()};
  }
  state_->chunks_written.fetch_add(refs.size(), std::memory_order_relaxed);
  state_->chunk_objects_written.fetch_add(objects.size(), std::memory_order_relaxed);
  state_->segments_written.fetch_add(segments.size(), std::memory_order_relaxed);
  state_->chunk_bytes_written.fetch_add(bytes, std::memory_order_relaxed);
  // Every chunk is stored now; the index files may point at them.
  std::map<int64_t, idx::IndexWriter> index_by_period;
  for (size_t i = 0; i < refs.size(); ++i)
    for (int64_t p = idx::period_of(refs[i].min_time); p <= idx::period_of(refs[i].max_time); ++p)
      index_by_period[p].add(*labels[i], refs[i]);
  for (auto& [p, writer] : index_by_period) {
    if (auto s = store_index_file(tenant, p, writer.build()); !s.ok()) return s;
  }
  return {};
}

util::Status BucketStore::upload_pending_index_files() {
  if (!state_->remote || options_.active_index_dir.empty()) return {};
  std::lock_guard lock(uploads_mu_);
  std::error_code ec;
  util::Status first;
  const std::string& root = options_.active_index_dir;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string path = it->path().string();
    std::string key = path.substr(root.size() + 1);
    std::string name = it->path().filename().string();
    // <tenant>/index/<day>/<name>
    auto first_slash = key.find('/');
    if (!is_index_file_name(name) || first_slash == std::string::npos) continue;
    std::string tenant = key.substr(0, first_slash);
    auto period = parse_period_dir_name(it->path().parent_path().filename().string());
    if (!period || key != index_period_prefix(tenant, *period) + name) continue;
    auto data = fsutil::read_file(path);
    if (!data.ok()) continue;
    if (auto r = idx::IndexReader::open_bytes(*data); !r.ok()) {
      state_->warn("store: index file " + path + " left by an earlier run does not validate, not uploaded: " + r.error());
      continue;
    }
    if (auto s = state_->bucket->put(key, *data); !s.ok()) {
      if (first.ok()) first = util::Error{"store " + state_->bucket->name() + ": uploading " + key + ": " + s.error(), s.code()};
      continue;
    }
    state_->catalog->published(tenant, *period, name, *data);
    ::unlink(path.c_str());
  }
  return first;
}

util::Status BucketStore::maintain() {
  if (!state_->remote) return {};
  util::Status s = upload_pending_index_files();
  auto synced = static_cast<RemoteIndexCatalog*>(state_->catalog.get())->sync_due();
  if (s.ok()) s = synced;
  if (state_->cache) state_->cache->sweep();
  return s;
}

util::Result<std::unique_ptr<logql::LogSource>> BucketStore::source(const std::string& tenant) {
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  return make_store_source(state_, tenant);
}

util::Result<std::vector<std::string>> BucketStore::label_query(const std::string& tenant, const std::string* name,
                                                                const std::vector<idx::Matcher>& matchers,
                                                                int64_t start, int64_t end) {
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  std::vector<std::string> out;
  if (start >= end) return out;
  std::vector<idx::Matcher> ms = matchers;
  if (name) ms.push_back(idx::Matcher{*name, idx::MatchType::kRegex, ".+"});  // only series with the label
  auto periods = state_->catalog->periods(tenant, idx::period_of(start), idx::period_of(end - 1));
  if (!periods.ok()) return periods.status_error();
  for (int64_t p : *periods) {
    auto set = state_->catalog->get(tenant, p);
    if (!set.ok()) return set.status_error();
    // Every series in a day's index has a chunk overlapping that day, so when the range covers
    // the whole day and nothing filters series, the label index answers without series lookups.
    bool whole_day = start <= idx::period_start(p) && idx::period_start(p + 1) <= end;
    if (whole_day && matchers.empty()) {
      auto v = name ? (*set)->label_values(*name) : (*set)->label_names();
      out.insert(out.end(), v.begin(), v.end());
      continue;
    }
    auto refs = (*set)->chunk_refs(ms, start, end);
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

util::Result<std::vector<std::string>> BucketStore::label_names(const std::string& tenant, int64_t start, int64_t end) {
  return label_query(tenant, nullptr, {}, start, end);
}

util::Result<std::vector<std::string>> BucketStore::label_values(const std::string& tenant, const std::string& name,
                                                                 const std::vector<logql::ast::Matcher>& matchers,
                                                                 int64_t start, int64_t end) {
  return label_query(tenant, &name, to_index_matchers(matchers), start, end);
}

util::Result<std::vector<model::LabelSet>> BucketStore::series(const std::string& tenant,
                                                               const std::vector<logql::ast::Matcher>& matchers,
                                                               int64_t start, int64_t end) {
  auto refs = state_->series_chunks(tenant, to_index_matchers(matchers), start, end);
  if (!refs.ok()) return refs.status_error();
  std::vector<model::LabelSet> out;
  out.reserve(refs->size());
  for (auto& [labels, chunks] : *refs) out.push_back(labels);
  return out;
}

util::Result<IndexStats> BucketStore::stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
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

util::Result<std::vector<StreamSpans>> BucketStore::stream_spans(const std::string& tenant,
                                                                 const std::vector<logql::ast::Matcher>& matchers,
                                                                 int64_t start, int64_t end) {
  // Straight from each day's index, without series_chunks()' map over every stream: only a
  // chunk that spans midnight (listed in the index of each day it covers) needs de-duplicating.
  if (auto s = check_tenant_dir_name(tenant); !s.ok()) return s.status_error();
  std::vector<StreamSpans> out;
  if (start >= end) return out;
  auto periods = state_->catalog->periods(tenant, idx::period_of(start), idx::period_of(end - 1));
  if (!periods.ok()) return periods.status_error();
  const std::vector<idx::Matcher> index_matchers = to_index_matchers(matchers);
  std::set<std::string> spanning_midnight;
  for (int64_t p : *periods) {
    auto set = state_->catalog->get(tenant, p);
    if (!set.ok()) return set.status_error();
    auto refs = (*set)->chunk_refs(index_matchers, start, end);
    if (!refs.ok()) return refs.status_error();
    for (auto& s : *refs) {
      StreamSpans one{std::move(s.labels), {}};
      one.spans.reserve(s.chunks.size());
      for (const auto& c : s.chunks) {
        if (idx::period_of(c.min_time) != idx::period_of(c.max_time) && !spanning_midnight.insert(c.id()).second) continue;
        one.spans.push_back(ChunkSpan{c.min_time, c.max_time, c.entries, c.bytes});
      }
      if (!one.spans.empty()) out.push_back(std::move(one));
    }
  }
  return out;
}

StoreCounters BucketStore::counters() const {
  const auto& s = *state_;
  StoreCounters c;
  c.chunks_written = s.chunks_written.load();
  c.chunk_bytes_written = s.chunk_bytes_written.load();
  c.chunk_objects_written = s.chunk_objects_written.load();
  c.segments_written = s.segments_written.load();
  c.index_files_written = s.index_files_written.load();
  c.chunks_opened = s.chunks_opened.load();
  c.corrupt_chunks_skipped = s.corrupt_chunks_skipped.load();
  c.corrupt_index_files = s.corrupt_index_files.load();
  if (s.cache) {
    ObjectCacheStats cs = s.cache->stats();
    for (size_t k = 0; k < 2; ++k) {
      c.cache_hits[k] = cs.hits[k];
      c.cache_misses[k] = cs.misses[k];
      c.cache_evictions[k] = cs.evictions[k];
    }
    c.cache_bytes = cs.bytes;
    c.cache_files = cs.files;
    c.cache_max_bytes = cs.max_bytes;
  }
  if (s.remote && !options_.active_index_dir.empty()) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(options_.active_index_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && is_index_file_name(it->path().filename().string())) ++c.index_uploads_pending;
    }
  }
  return c;
}

}  // namespace store
