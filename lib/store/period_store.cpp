#include "store/period_store.h"

#include <algorithm>
#include <iterator>
#include <mutex>
#include <set>

#include "index/index_format.h"
#include "store/dedup_merge_source.h"

namespace store {
namespace {

// The chunks of one query from every store, merged as the querier merges memory and store.
class PeriodSource final : public logql::LogSource {
 public:
  PeriodSource(const PeriodStore& owner, std::string tenant) : owner_(owner), tenant_(std::move(tenant)) {}
  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override {
    std::vector<std::unique_ptr<logql::EntryIterator>> its;
    for (const auto& e : owner_.entries()) {
      if (params.end <= idx::period_start(e.from_day) && &e != &owner_.entries().front()) continue;
      auto src = e.store->source(tenant_);
      if (!src.ok()) return src.status_error();
      auto it = (*src)->select(params);
      if (!it.ok()) return it.status_error();
      {
        std::lock_guard lock(mu_);
        sources_.push_back(std::move(*src));
      }
      its.push_back(std::move(*it));
    }
    return make_dedup_merge_iterator(std::move(its), params.direction);
  }

 private:
  const PeriodStore& owner_;
  std::string tenant_;
  std::mutex mu_;
  std::vector<std::unique_ptr<logql::LogSource>> sources_;  // kept alive for their iterators
};

template <class T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

PeriodStore::PeriodStore(std::vector<PeriodStoreEntry> entries) : entries_(std::move(entries)) {}

size_t PeriodStore::store_index_of(int64_t ts) const {
  int64_t day = idx::period_of(ts);
  size_t i = 0;
  while (i + 1 < entries_.size() && entries_[i + 1].from_day <= day) ++i;
  return i;
}

std::vector<ChunkStore*> PeriodStore::stores_for(int64_t start, int64_t end) const {
  std::vector<ChunkStore*> out;
  for (size_t i = 0; i < entries_.size(); ++i) {
    // A store's chunks all start on or after its first day.
    if (i > 0 && end <= idx::period_start(entries_[i].from_day)) continue;
    out.push_back(entries_[i].store.get());
  }
  return out;
}

util::Status PeriodStore::write_chunks(const std::string& tenant, std::vector<FlushedChunk> chunks) {
  std::vector<std::vector<FlushedChunk>> parts(entries_.size());
  for (auto& c : chunks) parts[store_index_of(c.min_time)].push_back(std::move(c));
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    if (auto s = entries_[i].store->write_chunks(tenant, std::move(parts[i])); !s.ok()) return s;
  }
  return {};
}

util::Result<std::unique_ptr<logql::LogSource>> PeriodStore::source(const std::string& tenant) {
  return std::unique_ptr<logql::LogSource>(std::make_unique<PeriodSource>(*this, tenant));
}

util::Result<std::vector<std::string>> PeriodStore::label_names(const std::string& tenant, int64_t start, int64_t end) {
  std::vector<std::string> out;
  for (auto* s : stores_for(start, end)) {
    auto v = s->label_names(tenant, start, end);
    if (!v.ok()) return v.status_error();
    out.insert(out.end(), v->begin(), v->end());
  }
  sort_unique(out);
  return out;
}

util::Result<std::vector<std::string>> PeriodStore::label_values(const std::string& tenant, const std::string& name,
                                                                 const std::vector<logql::ast::Matcher>& matchers,
                                                                 int64_t start, int64_t end) {
  std::vector<std::string> out;
  for (auto* s : stores_for(start, end)) {
    auto v = s->label_values(tenant, name, matchers, start, end);
    if (!v.ok()) return v.status_error();
    out.insert(out.end(), v->begin(), v->end());
  }
  sort_unique(out);
  return out;
}

util::Result<std::vector<model::LabelSet>> PeriodStore::series(const std::string& tenant,
                                                               const std::vector<logql::ast::Matcher>& matchers,
                                                               int64_t start, int64_t end) {
  std::vector<model::LabelSet> out;
  for (auto* s : stores_for(start, end)) {
    auto v = s->series(tenant, matchers, start, end);
    if (!v.ok()) return v.status_error();
    out.insert(out.end(), v->begin(), v->end());
  }
  sort_unique(out);
  return out;
}

util::Result<IndexStats> PeriodStore::stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                            int64_t start, int64_t end) {
  // Each chunk lives in one store; a stream present in two counts once.
  IndexStats total;
  std::set<model::LabelSet> streams;
  for (auto* s : stores_for(start, end)) {
    auto v = s->stats(tenant, matchers, start, end);
    if (!v.ok()) return v.status_error();
    total.chunks += v->chunks;
    total.entries += v->entries;
    total.bytes += v->bytes;
    auto ss = s->series(tenant, matchers, start, end);
    if (!ss.ok()) return ss.status_error();
    streams.insert(ss->begin(), ss->end());
  }
  total.streams = streams.size();
  return total;
}

util::Result<std::vector<StreamSpans>> PeriodStore::stream_spans(const std::string& tenant,
                                                                 const std::vector<logql::ast::Matcher>& matchers,
                                                                 int64_t start, int64_t end) {
  // Each chunk lives in one store: a stream in two stores comes from each, with its chunks there.
  std::vector<StreamSpans> out;
  for (auto* s : stores_for(start, end)) {
    auto v = s->stream_spans(tenant, matchers, start, end);
    if (!v.ok()) return v.status_error();
    out.insert(out.end(), std::make_move_iterator(v->begin()), std::make_move_iterator(v->end()));
  }
  return out;
}

StoreCounters PeriodStore::counters() const {
  StoreCounters t;
  for (const auto& e : entries_) {
    StoreCounters c = e.store->counters();
    t.chunks_written += c.chunks_written;
    t.chunk_bytes_written += c.chunk_bytes_written;
    t.chunk_objects_written += c.chunk_objects_written;
    t.segments_written += c.segments_written;
    t.index_files_written += c.index_files_written;
    t.chunks_opened += c.chunks_opened;
    t.corrupt_chunks_skipped += c.corrupt_chunks_skipped;
    t.corrupt_index_files += c.corrupt_index_files;
    for (size_t k = 0; k < 2; ++k) {
      t.cache_hits[k] += c.cache_hits[k];
      t.cache_misses[k] += c.cache_misses[k];
      t.cache_evictions[k] += c.cache_evictions[k];
    }
    t.cache_bytes += c.cache_bytes;
    t.cache_files += c.cache_files;
    t.cache_max_bytes = std::max(t.cache_max_bytes, c.cache_max_bytes);
    t.index_uploads_pending += c.index_uploads_pending;
  }
  return t;
}

objstore::BucketMetrics PeriodStore::bucket_metrics() const {
  objstore::BucketMetrics t;
  for (const auto& e : entries_) {
    auto m = e.store->bucket_metrics();
    t.requests.insert(t.requests.end(), m.requests.begin(), m.requests.end());
    t.retries += m.retries;
    t.bytes_in += m.bytes_in;
    t.bytes_out += m.bytes_out;
  }
  return t;
}

std::string PeriodStore::location() const {
  std::string out;
  for (const auto& e : entries_) out += (out.empty() ? "" : ", ") + e.store->location();
  return out;
}

util::Status PeriodStore::maintain() {
  util::Status first;
  for (const auto& e : entries_)
    if (auto s = e.store->maintain(); !s.ok() && first.ok()) first = s;
  return first;
}

}  // namespace store
