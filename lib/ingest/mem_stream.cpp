#include "ingest/mem_stream.h"

#include <algorithm>
#include <limits>

#include "chunk/chunk_writer.h"

namespace ingest {

namespace {

const model::LabelSet kNoMetadata;

bool size_reached(const HeadBlock& head, double ratio, const CutOptions& o) {
  return static_cast<double>(head.line_bytes()) * ratio >= static_cast<double>(o.target_size);
}

}  // namespace

MemStream::AppendResult MemStream::append(const std::vector<model::Entry>& entries, int64_t now,
                                          const CutOptions& options, std::vector<uint32_t>* accepted) {
  AppendResult res;
  std::lock_guard lock(mu_);
  if (removed_) {
    res.removed = true;
    return res;
  }
  if (!head_) head_ = std::make_shared<HeadBlock>();
  const uint64_t memory_before = head_->memory_bytes();
  for (size_t i = 0; i < entries.size(); ++i) {
    const model::Entry& e = entries[i];
    if (head_->empty()) head_created_ = now;
    if (!head_->append(e.timestamp, e.line, e.metadata)) continue;
    ++res.appended;
    if (accepted) accepted->push_back(static_cast<uint32_t>(i));
    if (!has_data_ || e.timestamp < min_time_) min_time_ = e.timestamp;
    if (!has_data_ || e.timestamp > max_time_) max_time_ = e.timestamp;
    has_data_ = true;
  }
  if (res.appended > 0) last_append_ = now;
  res.memory_added = head_->memory_bytes() - memory_before;
  res.wants_cut = size_reached(*head_, compression_ratio_, options);
  return res;
}

std::shared_ptr<const HeadBlock> MemStream::seal_head(int64_t now, const CutOptions& o, bool force) {
  std::lock_guard lock(mu_);
  if (!head_ || head_->empty()) return nullptr;
  bool cut = force || size_reached(*head_, compression_ratio_, o) ||
             (o.max_age > 0 && (now - head_created_ >= o.max_age ||
                                head_->max_time() - head_->min_time() >= o.max_age)) ||
             (o.idle_period > 0 && now - last_append_ >= o.idle_period);
  if (!cut) return nullptr;
  head_->seal();
  std::shared_ptr<const HeadBlock> sealed = std::move(head_);
  head_ = std::make_shared<HeadBlock>();
  sealed_.push_back(sealed);
  return sealed;
}

util::Result<std::shared_ptr<const CutChunk>> MemStream::encode(const std::string& tenant,
                                                                const model::LabelSet& labels,
                                                                const HeadBlock& sealed, const CutOptions& o) {
  auto writer = chunk::ChunkWriter::create(tenant, labels, {.target_block_size = o.block_size, .zstd_level = o.zstd_level});
  if (!writer.ok()) return util::prefixed("cutting chunk of " + labels.to_string() + ": ", writer.status_error());
  for (const HeadEntry& e : sealed.sorted()) {
    if (auto st = (*writer)->append(e.timestamp, e.line(), e.metadata ? *e.metadata : kNoMetadata); !st.ok())
      return util::prefixed("cutting chunk of " + labels.to_string() + ": ", st.status_error());
  }
  auto out = std::make_shared<CutChunk>();
  out->chunk.labels = labels;
  out->chunk.min_time = (*writer)->min_time();
  out->chunk.max_time = (*writer)->max_time();
  out->chunk.entries = (*writer)->entries();
  out->chunk.line_bytes = (*writer)->line_bytes();
  auto data = (*writer)->finish();
  if (!data.ok()) return util::prefixed("cutting chunk of " + labels.to_string() + ": ", data.status_error());
  out->chunk.data = std::move(*data);
  // The reader borrows chunk.data, which stays in place: the CutChunk is never moved or copied.
  auto reader = chunk::ChunkReader::open(out->chunk.data);
  if (!reader.ok()) return util::prefixed("cutting chunk of " + labels.to_string() + ": ", reader.status_error());
  out->reader.emplace(std::move(*reader));
  return std::shared_ptr<const CutChunk>(std::move(out));
}

void MemStream::finish_cut(const std::shared_ptr<const HeadBlock>& sealed, std::shared_ptr<const CutChunk> chunk) {
  std::lock_guard lock(mu_);
  auto it = std::find(sealed_.begin(), sealed_.end(), sealed);
  if (it != sealed_.end()) sealed_.erase(it);
  if (chunk->chunk.line_bytes > 0) {
    double ratio = static_cast<double>(chunk->chunk.data.size()) / static_cast<double>(chunk->chunk.line_bytes);
    // Bounded so one odd chunk (tiny, or incompressible) cannot make heads huge or tiny.
    compression_ratio_ = std::clamp(ratio, 0.02, 1.5);
  }
  chunks_.push_back(std::move(chunk));
}

std::vector<std::shared_ptr<const CutChunk>> MemStream::pending_chunks() const {
  std::lock_guard lock(mu_);
  return chunks_;
}

void MemStream::chunks_flushed(const std::vector<std::shared_ptr<const CutChunk>>& flushed) {
  std::lock_guard lock(mu_);
  std::erase_if(chunks_, [&](const auto& c) { return std::find(flushed.begin(), flushed.end(), c) != flushed.end(); });
}

StreamSnapshot MemStream::snapshot(int64_t start, int64_t end) const {
  StreamSnapshot snap;
  snap.stream = shared_from_this();
  std::lock_guard lock(mu_);
  if (head_ && !head_->empty()) {
    head_->copy_range(start, end, snap.head);
    if (!snap.head.empty()) snap.head_owner = head_;
  }
  snap.sealed = sealed_;
  snap.chunks = chunks_;
  return snap;
}

bool MemStream::overlaps(int64_t start, int64_t end) const {
  std::lock_guard lock(mu_);
  return has_data_ && min_time_ < end && max_time_ >= start &&
         ((head_ && !head_->empty()) || !sealed_.empty() || !chunks_.empty());
}

void MemStream::add_stats(int64_t start, int64_t end, store::IndexStats& stats) const {
  std::lock_guard lock(mu_);
  bool any = false;
  auto add = [&](int64_t lo, int64_t hi, uint64_t entries, uint64_t bytes) {
    if (lo >= end || hi < start) return;
    any = true;
    ++stats.chunks;
    stats.entries += entries;
    stats.bytes += bytes;
  };
  if (head_ && !head_->empty()) add(head_->min_time(), head_->max_time(), head_->size(), head_->line_bytes());
  for (const auto& s : sealed_) add(s->min_time(), s->max_time(), s->size(), s->line_bytes());
  for (const auto& c : chunks_) add(c->chunk.min_time, c->chunk.max_time, c->chunk.entries, c->chunk.line_bytes);
  if (any) ++stats.streams;
}

uint64_t MemStream::memory_bytes() const {
  std::lock_guard lock(mu_);
  uint64_t total = head_ ? head_->memory_bytes() : 0;
  for (const auto& s : sealed_) total += s->memory_bytes();
  for (const auto& c : chunks_) total += c->chunk.data.size();
  return total;
}

std::optional<int64_t> MemStream::oldest_data() const {
  std::lock_guard lock(mu_);
  if (!sealed_.empty() || !chunks_.empty()) return std::numeric_limits<int64_t>::min();
  if (head_ && !head_->empty()) return head_created_;
  return std::nullopt;
}

void MemStream::add_spans(int64_t start, int64_t end, std::vector<store::ChunkSpan>& spans) const {
  std::lock_guard lock(mu_);
  auto add = [&](int64_t lo, int64_t hi, uint64_t entries, uint64_t bytes) {
    if (lo >= end || hi < start) return;
    spans.push_back(store::ChunkSpan{lo, hi, entries, bytes});
  };
  if (head_ && !head_->empty()) add(head_->min_time(), head_->max_time(), head_->size(), head_->line_bytes());
  for (const auto& s : sealed_) add(s->min_time(), s->max_time(), s->size(), s->line_bytes());
  for (const auto& c : chunks_) add(c->chunk.min_time, c->chunk.max_time, c->chunk.entries, c->chunk.line_bytes);
}

bool MemStream::remove_if_empty() {
  std::lock_guard lock(mu_);
  if ((head_ && !head_->empty()) || !sealed_.empty() || !chunks_.empty()) return false;
  removed_ = true;
  return true;
}

}  // namespace ingest
