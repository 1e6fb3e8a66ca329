// IngesterImpl: cutting, flushing to the store with backoff, WAL checkpoints and the background
// loop that drives them.
#include <algorithm>
#include <limits>

#include "ingest/ingester_impl.h"
#include "wal/checkpoint.h"
#include "wal/record.h"
#include "wal/wal_dir.h"

namespace ingest {

namespace {

// A batch is one syncfs and one index file per period: many small chunks (a flush of 100k
// streams) should share few batches; the byte cap bounds what a batch holds.
constexpr size_t kMaxBatchChunks = 4096;
constexpr uint64_t kMaxBatchBytes = 64u << 20;
constexpr int64_t kMinBackoff = 1'000'000'000;         // 1s
constexpr int64_t kMaxBackoff = 5LL * 60 * 1'000'000'000;  // 5m
// Checkpoint records are cut at about this size so no record nears the reader's limit.
constexpr size_t kCheckpointRecordBody = 16u << 20;
constexpr size_t kCheckpointWriteBuffer = 4u << 20;

const model::LabelSet kNoMetadata;

// Writes one stream's entries as push-batch records of bounded size into a checkpoint.
class CheckpointStreamEncoder {
 public:
  // `buffer` and `records` (records in it) are shared by the encoders of one checkpoint.
  CheckpointStreamEncoder(wal::CheckpointWriter& writer, std::string& buffer, uint64_t& records,
                          const std::string& tenant, const model::LabelSet& labels)
      : writer_(writer), buffer_(buffer), records_(records), tenant_(tenant), labels_(labels) {}

  util::Status add(int64_t ts, std::string_view line, const model::LabelSet& metadata) {
    wal::put_entry(body_, prev_, ts, line, metadata);
    ++count_;
    return body_.size() >= kCheckpointRecordBody ? emit() : util::Status{};
  }

  util::Status emit() {
    if (count_ == 0) return {};
    size_t start = wal::begin_record(buffer_, wal::RecordType::kPushBatch);
    wal::put_batch_header(buffer_, tenant_, 1);
    wal::put_stream_header(buffer_, labels_, count_);
    buffer_.append(body_);
    body_.clear();
    count_ = 0;
    prev_ = 0;
    if (auto st = wal::finish_record(buffer_, start); !st.ok()) return st;
    ++records_;
    if (buffer_.size() < kCheckpointWriteBuffer) return {};
    auto st = writer_.append(buffer_, records_);
    buffer_.clear();
    records_ = 0;
    return st;
  }

  // Writes what the shared buffer still holds (call once, after the last stream).
  static util::Status drain(wal::CheckpointWriter& writer, std::string& buffer, uint64_t& records) {
    if (buffer.empty()) return {};
    auto st = writer.append(buffer, records);
    buffer.clear();
    records = 0;
    return st;
  }

 private:
  wal::CheckpointWriter& writer_;
  std::string& buffer_;
  uint64_t& records_;
  const std::string& tenant_;
  const model::LabelSet& labels_;
  std::string body_;
  uint64_t count_ = 0;
  int64_t prev_ = 0;
};

}  // namespace

util::Status IngesterImpl::cut_stream(const std::string& tenant, MemStream& stream, int64_t now, bool force) {
  auto sealed = stream.seal_head(now, cut_, force);
  if (!sealed) return {};
  auto chunk = MemStream::encode(tenant, stream.labels(), *sealed, cut_);
  if (!chunk.ok()) return chunk.status_error();  // the sealed head stays queryable and checkpointed
  memory_bytes_.fetch_add(static_cast<int64_t>((*chunk)->chunk.data.size()) -
                          static_cast<int64_t>(sealed->memory_bytes()));
  stream.finish_cut(sealed, std::move(*chunk));
  return {};
}

util::Status IngesterImpl::flush_tenant(const std::string& tenant, TenantStreams& streams, int64_t now, bool force) {
  util::Status result;
  auto all = streams.all();
  for (const auto& s : all)
    if (auto st = cut_stream(tenant, *s, now, force); !st.ok() && result.ok()) result = st;

  if (!force && now < backoff_[tenant].next_attempt) return result;
  if (auto st = write_cut_chunks(tenant, all, now); !st.ok()) return st;
  streams.remove_empty(all);
  return result;
}

util::Status IngesterImpl::write_cut_chunks(const std::string& tenant,
                                            const std::vector<std::shared_ptr<MemStream>>& all, int64_t now) {
  Backoff& backoff = backoff_[tenant];
  // Batches of (stream, chunk); the store receives copies, memory keeps the originals until the
  // store acknowledges them, so a failure loses nothing.
  std::vector<std::pair<MemStream*, std::shared_ptr<const CutChunk>>> pending;
  for (const auto& s : all)
    for (auto& c : s->pending_chunks()) pending.emplace_back(s.get(), std::move(c));
  size_t i = 0;
  while (i < pending.size()) {
    std::vector<store::FlushedChunk> batch;
    uint64_t bytes = 0;
    size_t first = i;
    while (i < pending.size() && batch.size() < kMaxBatchChunks && (batch.empty() || bytes < kMaxBatchBytes)) {
      batch.push_back(pending[i].second->chunk);
      bytes += pending[i].second->chunk.data.size();
      ++i;
    }
    size_t n = batch.size();
    if (auto st = store_.write_chunks(tenant, std::move(batch)); !st.ok()) {
      flush_failures_.fetch_add(1);
      backoff.delay = std::clamp(backoff.delay * 2, kMinBackoff, kMaxBackoff);
      backoff.next_attempt = now + backoff.delay;
      return util::prefixed("flushing " + std::to_string(n) + " chunks of tenant " + tenant + ": ", st.status_error());
    }
    backoff = {};
    for (size_t j = first; j < i; ++j) {
      pending[j].first->chunks_flushed({pending[j].second});
      memory_bytes_.fetch_sub(static_cast<int64_t>(pending[j].second->chunk.data.size()));
    }
    chunks_flushed_.fetch_add(n);
  }
  return {};
}

util::Status IngesterImpl::flush_pass(bool force) {
  std::lock_guard lock(flush_mu_);
  util::Status result;
  int64_t t = now();
  for (const auto& [tenant, streams] : all_tenants())
    if (auto st = flush_tenant(tenant, *streams, t, force); !st.ok() && result.ok()) result = st;
  return result;
}

util::Status IngesterImpl::flush_due() {
  if (patterns_) patterns_->maybe_prune();
  return flush_pass(false);
}

util::Status IngesterImpl::flush_all() {
  util::Status flushed = flush_pass(true);
  // Checkpoint even after a failed flush: the WAL then shrinks to what is still unflushed.
  util::Status checkpointed = checkpoint();
  return flushed.ok() ? checkpointed : flushed;
}

util::Status IngesterImpl::checkpoint() {
  std::lock_guard lock(checkpoint_mu_);
  if (!wal_) return {};
  uint64_t n;
  {
    // Every push that wrote to a segment below n has applied its data to memory once this
    // exclusive section is reached, so the snapshot below covers those segments.
    std::unique_lock apply(apply_lock_);
    auto rotated = wal_->rotate();
    if (!rotated.ok()) return rotated.status_error();
    n = *rotated;
  }
  auto writer = wal::CheckpointWriter::create(options_.wal_dir, n);
  if (!writer.ok()) return writer.status_error();
  std::string buffer;
  uint64_t buffered_records = 0;
  constexpr int64_t kAll = std::numeric_limits<int64_t>::max();
  for (const auto& [tenant, streams] : all_tenants()) {
    for (const auto& s : streams->all()) {
      StreamSnapshot snap = s->snapshot(std::numeric_limits<int64_t>::min(), kAll);
      CheckpointStreamEncoder enc(**writer, buffer, buffered_records, tenant, s->labels());
      auto add_head = [&](const std::vector<HeadEntry>& entries) -> util::Status {
        for (const auto& e : entries)
          if (auto st = enc.add(e.timestamp, e.line(), e.metadata ? *e.metadata : kNoMetadata); !st.ok()) return st;
        return {};
      };
      if (auto st = add_head(snap.head); !st.ok()) return st;
      for (const auto& sealed : snap.sealed)
        if (auto st = add_head(sealed->sorted()); !st.ok()) return st;
      for (const auto& c : snap.chunks) {
        auto it = c->reader->entries(std::numeric_limits<int64_t>::min(), kAll);
        model::LabelSet md;
        while (it.next()) {
          if (it.metadata_size() == 0) {
            md = {};
          } else {
            std::vector<model::Label> pairs;
            for (size_t i = 0; i < it.metadata_size(); ++i)
              pairs.push_back({std::string(it.metadata(i).first), std::string(it.metadata(i).second)});
            md = model::LabelSet::from_unsorted(std::move(pairs));
          }
          if (auto st = enc.add(it.timestamp(), it.line(), md); !st.ok()) return st;
        }
        if (!it.status().ok()) return util::prefixed("checkpoint: reading an in-memory chunk: ", it.status().status_error());
      }
      if (auto st = enc.emit(); !st.ok()) return st;
    }
  }
  if (auto st = CheckpointStreamEncoder::drain(**writer, buffer, buffered_records); !st.ok()) return st;
  if (auto st = (*writer)->commit(); !st.ok()) return st;
  if (auto st = wal::remove_before(options_.wal_dir, n); !st.ok()) return st;
  checkpoints_.fetch_add(1);
  last_checkpoint_ = now();
  return {};
}

void IngesterImpl::background_loop(std::stop_token stop) {
  const int64_t period = std::max<int64_t>(options_.flush_check_period, 1'000'000);
  while (clock_.sleep_for(period, stop)) {
    // Errors are counted in the stats (flush_failures) and retried on the next pass.
    if (auto st = flush_due(); !st.ok() && options_.on_flush_error) options_.on_flush_error(st);
    if (!wal_) continue;
    (void)wal_->sync();
    if (now() - last_checkpoint_.load() >= options_.checkpoint_duration) (void)checkpoint();
  }
}

}  // namespace ingest
