// Ingester::open and the IngesterImpl write and read paths (flushing and checkpoints are in
// ingester_flush.cpp).
#include <algorithm>
#include <chrono>
#include <limits>
#include <set>

#include "ingest/ingester_impl.h"
#include "ingest/snapshot_iterator.h"
#include "logql/eval/matchers.h"
#include "wal/record.h"
#include "wal/replay.h"

namespace ingest {

namespace {

// What source() hands out: looks the tenant up at select() time, so one source sees streams
// created after it. It must not outlive the ingester.
class MemorySource : public logql::LogSource {
 public:
  MemorySource(const IngesterImpl& ingester, std::string tenant) : ingester_(ingester), tenant_(std::move(tenant)) {}

  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& p) override {
    auto streams = ingester_.select_streams(tenant_, p.matchers, p.start, p.end);
    if (!streams.ok()) return streams.status_error();
    std::vector<StreamSnapshot> snaps;
    snaps.reserve(streams->size());
    for (const auto& s : *streams) snaps.push_back(s->snapshot(p.start, p.end));
    return make_snapshot_iterator(std::move(snaps), p.start, p.end, p.direction);
  }

 private:
  const IngesterImpl& ingester_;
  std::string tenant_;
};

}  // namespace

util::Result<std::unique_ptr<Ingester>> Ingester::open(const IngesterOptions& options, store::ChunkStore& store) {
  auto ing = std::make_unique<IngesterImpl>(options, store);
  if (auto st = ing->start(); !st.ok()) return st.status_error();
  return std::unique_ptr<Ingester>(std::move(ing));
}

WriterPreferringLock::WriterPreferringLock() {
  pthread_rwlockattr_t attr;
  pthread_rwlockattr_init(&attr);
  pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  pthread_rwlock_init(&lock_, &attr);
  pthread_rwlockattr_destroy(&attr);
}

WriterPreferringLock::~WriterPreferringLock() { pthread_rwlock_destroy(&lock_); }

IngesterImpl::IngesterImpl(const IngesterOptions& options, store::ChunkStore& store)
    : options_(options),
      cut_{.target_size = options.chunk_target_size,
           .max_age = options.max_chunk_age,
           .idle_period = options.chunk_idle_period,
           .block_size = options.chunk_block_size,
           .zstd_level = options.zstd_level},
      store_(store),
      clock_(options.clock ? *options.clock : util::system_clock()),
      patterns_(options.patterns.enabled ? std::make_unique<pattern::PatternStore>(options.patterns, clock_) : nullptr) {}

IngesterImpl::~IngesterImpl() {
  if (loop_.joinable()) {
    loop_.request_stop();
    loop_.join();
  }
  if (wal_) (void)wal_->close();
}

int64_t IngesterImpl::now() const { return clock_.now_ns(); }

util::Status IngesterImpl::start() {
  if (options_.wal_enabled) {
    if (options_.wal_dir.empty()) return util::Error{"ingester: wal_dir is required when the WAL is enabled"};
    auto replayed = wal::replay(options_.wal_dir, [&](std::string_view payload) { return apply_wal_batch(payload); });
    if (!replayed.ok()) return util::prefixed("ingester: WAL replay failed: ", replayed.status_error());
    records_replayed_ = replayed->records;
    auto writer = wal::WalWriter::open({.dir = options_.wal_dir, .segment_size = options_.wal_segment_size},
                                       replayed->next_segment);
    if (!writer.ok()) return util::prefixed("ingester: ", writer.status_error());
    wal_ = std::move(*writer);
  }
  last_checkpoint_ = now();
  if (options_.background_flush) loop_ = std::jthread([this](std::stop_token stop) { background_loop(stop); });
  return {};
}

std::shared_ptr<TenantStreams> IngesterImpl::find_tenant(const std::string& tenant) const {
  std::shared_lock lock(tenants_mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second;
}

std::shared_ptr<TenantStreams> IngesterImpl::tenant_for_write(const std::string& tenant) {
  if (auto t = find_tenant(tenant)) return t;
  std::unique_lock lock(tenants_mu_);
  auto& slot = tenants_[tenant];
  if (!slot) slot = std::make_shared<TenantStreams>();
  return slot;
}

std::vector<std::pair<std::string, std::shared_ptr<TenantStreams>>> IngesterImpl::all_tenants() const {
  std::shared_lock lock(tenants_mu_);
  std::vector<std::pair<std::string, std::shared_ptr<TenantStreams>>> out(tenants_.begin(), tenants_.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::shared_ptr<MemStream> IngesterImpl::apply_stream(const std::string& tenant, TenantStreams& streams,
                                                      const model::LabelSet& labels,
                                                      const std::vector<model::Entry>& entries, int64_t now,
                                                      std::vector<uint32_t>* accepted) {
  // Unlimited here: the limit was checked before the WAL write, and a record in the WAL must be
  // applied in full.
  for (;;) {
    auto stream = streams.get_or_create(labels, 0);
    auto r = (*stream)->append(tenant, entries, now, cut_, accepted);
    if (r.removed) continue;  // dropped by a concurrent flush pass between lookup and append
    memory_bytes_.fetch_add(r.memory_added);
    return r.wants_cut ? *stream : nullptr;
  }
}

util::Status IngesterImpl::apply_wal_batch(std::string_view payload) {
  auto batch = wal::decode_push_batch(payload);
  if (!batch.ok()) return batch.status_error();
  auto streams = tenant_for_write(batch->tenant);
  // Replay never cuts: re-applied records must meet their duplicates in the head to be dropped.
  for (const auto& s : batch->streams)
    if (!s.entries.empty()) apply_stream(batch->tenant, *streams, s.labels, s.entries, now(), nullptr);
  return {};
}

util::Status IngesterImpl::push(const std::string& tenant, const std::vector<push::Stream>& streams) {
  auto tstreams = tenant_for_write(tenant);
  if (options_.max_streams_per_tenant > 0) {
    size_t fresh = 0;
    for (const auto& s : streams)
      if (!s.entries.empty() && !tstreams->find(s.labels)) ++fresh;
    if (fresh > 0 && tstreams->size() + fresh > options_.max_streams_per_tenant)
      return util::Error{"maximum active stream limit exceeded (" + std::to_string(options_.max_streams_per_tenant) +
                         ") for tenant " + tenant};
  }
  if (options_.memory_ceiling > 0) {
    uint64_t incoming = 0;  // as HeadBlock::memory_bytes() will count it
    for (const auto& s : streams)
      for (const auto& e : s.entries) {
        incoming += e.line.size() + sizeof(HeadEntry);
        for (const auto& l : e.metadata) incoming += l.name.size() + l.value.size() + sizeof(model::Label);
      }
    if (auto st = make_room(incoming); !st.ok()) return st;
  }
  // Encoded before taking any lock; the buffer is reused by this thread's next push.
  thread_local std::string record;
  if (wal_) {
    record.clear();
    size_t start = wal::begin_record(record, wal::RecordType::kPushBatch);
    size_t non_empty = 0;
    for (const auto& s : streams) non_empty += !s.entries.empty();
    wal::put_batch_header(record, tenant, non_empty);
    for (const auto& s : streams) {
      if (s.entries.empty()) continue;
      wal::put_stream_header(record, s.labels, s.entries.size());
      int64_t prev = 0;
      for (const auto& e : s.entries) wal::put_entry(record, prev, e.timestamp, e.line, e.metadata);
    }
    if (auto st = wal::finish_record(record, start); !st.ok()) return st;
  }
  int64_t t = now();
  bool tail = subscriber_count_.load(std::memory_order_relaxed) > 0;
  std::vector<std::vector<uint32_t>> accepted(tail ? streams.size() : 0);
  std::vector<std::shared_ptr<MemStream>> to_cut;
  {
    std::shared_lock apply(apply_lock_);
    if (wal_)
      if (auto st = wal_->append(record); !st.ok()) return st;
    for (size_t i = 0; i < streams.size(); ++i) {
      if (streams[i].entries.empty()) continue;
      if (auto s = apply_stream(tenant, *tstreams, streams[i].labels, streams[i].entries, t, tail ? &accepted[i] : nullptr))
        to_cut.push_back(std::move(s));
    }
  }
  if (record.capacity() > (16u << 20)) record = std::string();  // do not pin a huge buffer per thread
  // Size cuts are encoded here, on the pushing thread, so compression spreads over the cores
  // that ingest. A failure leaves the data in memory (and the WAL): the flush loop retries.
  for (const auto& s : to_cut) (void)cut_stream(tenant, *s, t, false);
  if (tail) notify_tail(tenant, streams, accepted);
  // After the push is durable and applied: mining never delays or fails an accepted push.
  if (patterns_) patterns_->observe(tenant, streams);
  return {};
}

void IngesterImpl::notify_tail(const std::string& tenant, const std::vector<push::Stream>& streams,
                               const std::vector<std::vector<uint32_t>>& accepted) {
  std::vector<std::shared_ptr<TailCallback>> callbacks;
  {
    std::lock_guard lock(tail_mu_);
    for (const auto& [id, sub] : subscribers_)
      if (sub.tenant == tenant) callbacks.push_back(sub.callback);
  }
  for (const auto& cb : callbacks)
    for (size_t i = 0; i < streams.size(); ++i)
      for (uint32_t j : accepted[i]) (*cb)(streams[i].labels, streams[i].entries[j]);
}

uint64_t IngesterImpl::subscribe(const std::string& tenant, TailCallback on_entry) {
  std::lock_guard lock(tail_mu_);
  uint64_t id = next_subscriber_++;
  subscribers_[id] = {tenant, std::make_shared<TailCallback>(std::move(on_entry))};
  subscriber_count_.store(subscribers_.size());
  return id;
}

void IngesterImpl::unsubscribe(uint64_t id) {
  std::lock_guard lock(tail_mu_);
  subscribers_.erase(id);
  subscriber_count_.store(subscribers_.size());
}

util::Result<std::vector<std::shared_ptr<MemStream>>> IngesterImpl::select_streams(
    const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t start, int64_t end) const {
  auto compiled = logql::LabelMatchers::compile(matchers);
  if (!compiled.ok()) return compiled.status_error();
  std::vector<std::shared_ptr<MemStream>> out;
  auto streams = find_tenant(tenant);
  if (!streams) return out;
  // Equality matchers with a value narrow the candidates through the inverted index.
  std::vector<std::pair<std::string, std::string>> equalities;
  for (const auto& m : matchers) {
    if (m.op == logql::ast::MatchOp::Eq && !m.value.empty()) equalities.emplace_back(m.name, m.value);
  }
  return streams->select(equalities,
                         [&](const MemStream& s) { return compiled->matches(s.labels()) && s.overlaps(start, end); });
}

std::unique_ptr<logql::LogSource> IngesterImpl::source(const std::string& tenant) {
  return std::make_unique<MemorySource>(*this, tenant);
}

std::vector<std::string> IngesterImpl::label_names(const std::string& tenant, int64_t start, int64_t end) {
  std::set<std::string> names;
  auto streams = select_streams(tenant, {}, start, end);
  if (streams.ok())
    for (const auto& s : *streams)
      for (const auto& l : s->labels()) names.insert(l.name);
  return {names.begin(), names.end()};
}

std::vector<std::string> IngesterImpl::label_values(const std::string& tenant, const std::string& name,
                                                    const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                    int64_t end) {
  std::set<std::string> values;
  auto streams = select_streams(tenant, matchers, start, end);
  if (streams.ok())
    for (const auto& s : *streams)
      if (auto v = s->labels().get(name)) values.emplace(*v);
  return {values.begin(), values.end()};
}

std::vector<model::LabelSet> IngesterImpl::series(const std::string& tenant,
                                                  const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                  int64_t end) {
  std::vector<model::LabelSet> out;
  auto streams = select_streams(tenant, matchers, start, end);
  if (streams.ok())
    for (const auto& s : *streams) out.push_back(s->labels());
  std::sort(out.begin(), out.end());
  return out;
}

store::IndexStats IngesterImpl::stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                      int64_t start, int64_t end) {
  store::IndexStats stats;
  auto streams = select_streams(tenant, matchers, start, end);
  if (streams.ok())
    for (const auto& s : *streams) s->add_stats(start, end, stats);
  return stats;
}

std::vector<std::pair<model::LabelSet, store::IndexStats>> IngesterImpl::stream_stats(
    const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t start, int64_t end) {
  std::vector<std::pair<model::LabelSet, store::IndexStats>> out;
  auto streams = select_streams(tenant, matchers, start, end);
  if (!streams.ok()) return out;
  for (const auto& s : *streams) {
    store::IndexStats one;
    s->add_stats(start, end, one);
    if (one.streams > 0) out.emplace_back(s->labels(), one);
  }
  return out;
}

std::vector<store::StreamSpans> IngesterImpl::stream_spans(const std::string& tenant,
                                                           const std::vector<logql::ast::Matcher>& matchers,
                                                           int64_t start, int64_t end) {
  std::vector<store::StreamSpans> out;
  auto streams = select_streams(tenant, matchers, start, end);
  if (!streams.ok()) return out;
  for (const auto& s : *streams) {
    store::StreamSpans one{s->labels(), {}};
    s->add_spans(start, end, one.spans);
    if (!one.spans.empty()) out.push_back(std::move(one));
  }
  return out;
}

IngesterStats IngesterImpl::stats_snapshot() const {
  IngesterStats s;
  for (const auto& [name, t] : all_tenants()) s.streams += t->size();
  s.chunks_flushed = chunks_flushed_.load();
  s.flush_failures = flush_failures_.load();
  s.wal_bytes_written = wal_ ? wal_->bytes_written() : 0;
  s.wal_records_replayed = records_replayed_.load();
  s.checkpoints = checkpoints_.load();
  s.memory_bytes = static_cast<uint64_t>(std::max<int64_t>(memory_bytes_.load(), 0));
  s.memory_early_flushes = memory_early_flushes_.load();
  s.memory_refusals = memory_refusals_.load();
  return s;
}

std::vector<std::string> IngesterImpl::tenants() const {
  std::vector<std::string> out;
  for (const auto& [name, t] : all_tenants())
    if (t->size() > 0) out.push_back(name);
  return out;
}

}  // namespace ingest
