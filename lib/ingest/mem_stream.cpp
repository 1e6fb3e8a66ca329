#include "ingest/mem_stream.h"

#include <algorithm>
#include <limits>

#include "chunk/chunk_writer.h"

namespace ingest {

namespace {

const model::LabelSet kNoMetadata;

// A head is frozen when its block payload (lines, plus about 5 bytes of timestamp delta and
// length per entry) reaches the block size, so frozen blocks are as large as the blocks a cut
// writes (smaller ones compress worse), and encoded with room to spare so that the estimate's
// error never spills a sliver of a second block.
bool wants_freeze(const HeadBlock& head, const CutOptions& o) {
  return head.line_bytes() + 5 * head.size() >= o.block_size;
}

bool size_reached(uint64_t line_bytes, double ratio, const CutOptions& o) {
  return static_cast<double>(line_bytes) * ratio >= static_cast<double>(o.target_size);
}

std::string where(const model::LabelSet& labels) { return "cutting chunk of " + labels.to_string() + ": "; }

model::LabelSet metadata_of(const chunk::EntryIterator& it) {
  if (it.metadata_size() == 0) return {};
  std::vector<model::Label> pairs;
  for (size_t i = 0; i < it.metadata_size(); ++i)
    pairs.push_back({std::string(it.metadata(i).first), std::string(it.metadata(i).second)});
  return model::LabelSet::from_unsorted(std::move(pairs));
}

util::Result<std::shared_ptr<const CutChunk>> finish_chunk(chunk::ChunkWriter& writer, const model::LabelSet& labels) {
  auto out = std::make_shared<CutChunk>();
  out->chunk.labels = labels;
  out->chunk.min_time = writer.min_time();
  out->chunk.max_time = writer.max_time();
  out->chunk.entries = writer.entries();
  out->chunk.line_bytes = writer.line_bytes();
  auto data = writer.finish();
  if (!data.ok()) return util::prefixed(where(labels), data.status_error());
  out->chunk.data = std::move(*data);
  // The writer reserved room for a guess of the compressed size; a tiny chunk (a flush of many
  // idle streams cuts 100k of them) would otherwise hold several KiB it never uses, fresh memory
  // whose page faults were a third of such a flush's CPU (perf).
  if (out->chunk.data.capacity() > 2 * out->chunk.data.size() + 1024) out->chunk.data.shrink_to_fit();
  // The reader borrows chunk.data, which stays in place: the CutChunk is never moved or copied.
  auto reader = chunk::ChunkReader::open(out->chunk.data);
  if (!reader.ok()) return util::prefixed(where(labels), reader.status_error());
  out->reader.emplace(std::move(*reader));
  return std::shared_ptr<const CutChunk>(std::move(out));
}

}  // namespace

// The last frozen block decoded by frozen_contains(): the duplicate checks of one append (a
// retried batch) mostly fall in the same block.
struct FrozenLookup {
  const CutChunk* part = nullptr;
  size_t block = 0;
  chunk::BlockBuffer payload;
  chunk::DecodedBlock decoded;
};

uint64_t SealedHead::memory_bytes() const {
  uint64_t total = head ? head->memory_bytes() : 0;
  for (const auto& p : parts) total += p->chunk.data.size();
  return total;
}

bool MemStream::frozen_contains(int64_t ts, std::string_view line, FrozenLookup& lookup) const {
  for (auto part = frozen_.rbegin(); part != frozen_.rend(); ++part) {
    const CutChunk& c = **part;
    if (ts > c.chunk.max_time) break;  // parts are in time order: older ones end earlier
    if (ts < c.chunk.min_time) continue;
    const auto& blocks = c.reader->blocks();
    for (size_t b = 0; b < blocks.size(); ++b) {
      if (ts < blocks[b].min_time || ts > blocks[b].max_time) continue;
      if (lookup.part != &c || lookup.block != b) {
        lookup.part = nullptr;
        // An in-memory block this process wrote; if it cannot be read, nothing is found in it.
        if (!c.reader->read_block(b, lookup.payload, lookup.decoded).ok()) continue;
        lookup.part = &c;
        lookup.block = b;
      }
      const auto& entries = lookup.decoded.entries();
      auto it = std::lower_bound(entries.begin(), entries.end(), ts,
                                 [](const chunk::EntryView& e, int64_t t) { return e.timestamp < t; });
      for (; it != entries.end() && it->timestamp == ts; ++it)
        if (lookup.decoded.line(*it) == line) return true;
    }
  }
  return false;
}

std::shared_ptr<const SealedHead> MemStream::seal_locked() {
  auto sealed = std::make_shared<SealedHead>();
  sealed->parts = std::move(frozen_);
  frozen_.clear();
  frozen_max_ = 0;
  frozen_line_bytes_ = frozen_entries_ = frozen_memory_ = 0;
  if (head_ && !head_->empty()) {
    head_->seal();
    sealed->head = std::move(head_);
  }
  head_ = std::make_shared<HeadBlock>();
  sealed_.push_back(sealed);
  return sealed;
}

util::Status MemStream::freeze_head(const std::string& tenant, const CutOptions& o) {
  head_->seal();
  SealedHead only;
  only.head = head_;
  CutOptions one_block = o;
  one_block.block_size = 2 * o.block_size;
  auto part = encode(tenant, labels_, only, one_block);
  only.head = nullptr;
  if (!part.ok()) return part.status_error();
  frozen_max_ = (*part)->chunk.max_time;
  frozen_line_bytes_ += (*part)->chunk.line_bytes;
  frozen_entries_ += (*part)->chunk.entries;
  frozen_memory_ += (*part)->chunk.data.size();
  frozen_.push_back(std::move(*part));
  // Nobody else holds the head (snapshots are taken under mu_): refill its memory.
  if (head_.use_count() == 1)
    head_->reset();
  else
    head_ = std::make_shared<HeadBlock>();
  return {};
}

MemStream::AppendResult MemStream::append(const std::string& tenant, const std::vector<model::Entry>& entries,
                                          int64_t now, const CutOptions& options, std::vector<uint32_t>* accepted) {
  AppendResult res;
  std::lock_guard lock(mu_);
  if (removed_) {
    res.removed = true;
    return res;
  }
  if (!head_) head_ = std::make_shared<HeadBlock>();
  const int64_t memory_before = static_cast<int64_t>(head_->memory_bytes() + frozen_memory_);
  int64_t sealed_memory = 0;  // moved to sealed_ by a failed freeze: still held
  FrozenLookup lookup;
  for (size_t i = 0; i < entries.size(); ++i) {
    const model::Entry& e = entries[i];
    if (!holds_data_locked()) head_created_ = now;
    if (!frozen_.empty() && e.timestamp <= frozen_max_ && frozen_contains(e.timestamp, e.line, lookup)) continue;
    if (!head_->append(e.timestamp, e.line, e.metadata)) continue;
    ++res.appended;
    if (accepted) accepted->push_back(static_cast<uint32_t>(i));
    if (!has_data_ || e.timestamp < min_time_) min_time_ = e.timestamp;
    if (!has_data_ || e.timestamp > max_time_) max_time_ = e.timestamp;
    has_data_ = true;
    // Checked per entry, so a large push still makes blocks of the block size.
    if (wants_freeze(*head_, options) && (frozen_.empty() || head_->min_time() >= frozen_max_)) {
      // A head that cannot be encoded is cut instead: the flush loop reports it.
      if (auto st = freeze_head(tenant, options); !st.ok())
        sealed_memory += static_cast<int64_t>(seal_locked()->memory_bytes());
    }
  }
  if (res.appended > 0) last_append_ = now;
  res.memory_added = static_cast<int64_t>(head_->memory_bytes() + frozen_memory_) + sealed_memory - memory_before;
  res.wants_cut = size_reached(head_->line_bytes() + frozen_line_bytes_, compression_ratio_, options);
  return res;
}

std::shared_ptr<const SealedHead> MemStream::seal_head(int64_t now, const CutOptions& o, bool force) {
  std::lock_guard lock(mu_);
  if (!holds_data_locked()) return nullptr;
  const bool head_data = head_ && !head_->empty();
  const int64_t lo = frozen_.empty() ? head_->min_time() : std::min(frozen_.front()->chunk.min_time, head_data ? head_->min_time() : frozen_max_);
  const int64_t hi = head_data ? std::max(head_->max_time(), frozen_.empty() ? head_->max_time() : frozen_max_) : frozen_max_;
  bool cut = force || size_reached((head_ ? head_->line_bytes() : 0) + frozen_line_bytes_, compression_ratio_, o) ||
             (o.max_age > 0 && (now - head_created_ >= o.max_age || hi - lo >= o.max_age)) ||
             (o.idle_period > 0 && now - last_append_ >= o.idle_period);
  if (!cut) return nullptr;
  return seal_locked();
}

util::Result<std::shared_ptr<const CutChunk>> MemStream::encode(const std::string& tenant,
                                                                const model::LabelSet& labels,
                                                                const SealedHead& sealed, const CutOptions& o) {
  auto writer = chunk::ChunkWriter::create(tenant, labels, {.target_block_size = o.block_size, .zstd_level = o.zstd_level});
  if (!writer.ok()) return util::prefixed(where(labels), writer.status_error());
  static const std::vector<HeadEntry> kNone;
  const std::vector<HeadEntry>& head = sealed.head ? sealed.head->sorted() : kNone;
  const int64_t parts_end = sealed.parts.empty() ? std::numeric_limits<int64_t>::min() : sealed.parts.back()->chunk.max_time;
  auto append_head = [&](std::vector<HeadEntry>::const_iterator from) -> util::Status {
    for (auto e = from; e != head.end(); ++e)
      if (auto st = (*writer)->append(e->timestamp, e->line(), e->metadata ? *e->metadata : kNoMetadata); !st.ok())
        return st;
    return {};
  };
  if (head.empty() || head.front().timestamp >= parts_end) {
    // The common case: the parts' blocks are copied as they are, then the head is compressed.
    // Header, footer and a small block's filter fit in 512 bytes; the string grows if not. (A
    // 4 KiB floor made the 100k tiny chunks of a many-stream flush 400 MB of fresh memory.)
    size_t expected = 512 + static_cast<size_t>(sealed.head ? sealed.head->line_bytes() / 4 : 0);
    for (const auto& part : sealed.parts) expected += part->chunk.data.size();
    (*writer)->reserve(expected);
    for (const auto& part : sealed.parts) {
      const auto& blocks = part->reader->blocks();
      for (size_t b = 0; b < blocks.size(); ++b) {
        const auto& m = blocks[b];
        uint64_t line_bytes = b + 1 == blocks.size() ? part->chunk.line_bytes : 0;  // the chunk's total counts
        if (auto st = (*writer)->append_block(m, part->reader->bytes().substr(m.offset, m.compressed_size), m.filter,
                                              line_bytes);
            !st.ok())
          return util::prefixed(where(labels), st.status_error());
      }
    }
    if (auto st = append_head(head.begin()); !st.ok()) return util::prefixed(where(labels), st.status_error());
    return finish_chunk(**writer, labels);
  }
  // The head holds entries older than the parts' end: merge by time, re-encoding the parts.
  // Among equal timestamps the parts' entries come first: they arrived earlier.
  auto h = head.begin();
  for (const auto& part : sealed.parts) {
    auto it = part->reader->entries(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    while (it.next()) {
      for (; h != head.end() && h->timestamp < it.timestamp(); ++h)
        if (auto st = (*writer)->append(h->timestamp, h->line(), h->metadata ? *h->metadata : kNoMetadata); !st.ok())
          return util::prefixed(where(labels), st.status_error());
      if (auto st = (*writer)->append(it.timestamp(), it.line(), metadata_of(it)); !st.ok())
        return util::prefixed(where(labels), st.status_error());
    }
    if (!it.status().ok()) return util::prefixed(where(labels), it.status().status_error());
  }
  if (auto st = append_head(h); !st.ok()) return util::prefixed(where(labels), st.status_error());
  return finish_chunk(**writer, labels);
}

void MemStream::finish_cut(const std::shared_ptr<const SealedHead>& sealed, std::shared_ptr<const CutChunk> chunk) {
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
  snap.chunks = chunks_;
  for (const auto& s : sealed_) {
    if (s->head) snap.sealed.push_back(s->head);
    snap.chunks.insert(snap.chunks.end(), s->parts.begin(), s->parts.end());
  }
  snap.chunks.insert(snap.chunks.end(), frozen_.begin(), frozen_.end());
  return snap;
}

bool MemStream::overlaps(int64_t start, int64_t end) const {
  std::lock_guard lock(mu_);
  return has_data_ && min_time_ < end && max_time_ >= start &&
         (holds_data_locked() || !sealed_.empty() || !chunks_.empty());
}

// Calls add(min, max, entries, line bytes) for each part of the stream: the head with its frozen
// parts as one, each sealed head with its parts as one, and each cut chunk.
template <typename F>
static void for_each_part(const std::shared_ptr<HeadBlock>& head, const std::vector<std::shared_ptr<const CutChunk>>& frozen,
                          const std::vector<std::shared_ptr<const SealedHead>>& sealed,
                          const std::vector<std::shared_ptr<const CutChunk>>& chunks, F add) {
  auto group = [&](const HeadBlock* h, const std::vector<std::shared_ptr<const CutChunk>>& parts) {
    bool head_data = h && !h->empty();
    if (!head_data && parts.empty()) return;
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
    uint64_t entries = 0, bytes = 0;
    if (head_data) {
      lo = h->min_time();
      hi = h->max_time();
      entries = h->size();
      bytes = h->line_bytes();
    }
    for (const auto& p : parts) {
      lo = std::min(lo, p->chunk.min_time);
      hi = std::max(hi, p->chunk.max_time);
      entries += p->chunk.entries;
      bytes += p->chunk.line_bytes;
    }
    add(lo, hi, entries, bytes);
  };
  group(head.get(), frozen);
  for (const auto& s : sealed) group(s->head.get(), s->parts);
  for (const auto& c : chunks) add(c->chunk.min_time, c->chunk.max_time, c->chunk.entries, c->chunk.line_bytes);
}

void MemStream::add_stats(int64_t start, int64_t end, store::IndexStats& stats) const {
  std::lock_guard lock(mu_);
  bool any = false;
  for_each_part(head_, frozen_, sealed_, chunks_, [&](int64_t lo, int64_t hi, uint64_t entries, uint64_t bytes) {
    if (lo >= end || hi < start) return;
    any = true;
    ++stats.chunks;
    stats.entries += entries;
    stats.bytes += bytes;
  });
  if (any) ++stats.streams;
}

uint64_t MemStream::memory_bytes() const {
  std::lock_guard lock(mu_);
  uint64_t total = (head_ ? head_->memory_bytes() : 0) + frozen_memory_;
  for (const auto& s : sealed_) total += s->memory_bytes();
  for (const auto& c : chunks_) total += c->chunk.data.size();
  return total;
}

std::optional<int64_t> MemStream::oldest_data() const {
  std::lock_guard lock(mu_);
  if (!sealed_.empty() || !chunks_.empty()) return std::numeric_limits<int64_t>::min();
  if (holds_data_locked()) return head_created_;
  return std::nullopt;
}

void MemStream::add_spans(int64_t start, int64_t end, std::vector<store::ChunkSpan>& spans) const {
  std::lock_guard lock(mu_);
  for_each_part(head_, frozen_, sealed_, chunks_, [&](int64_t lo, int64_t hi, uint64_t entries, uint64_t bytes) {
    if (lo >= end || hi < start) return;
    spans.push_back(store::ChunkSpan{lo, hi, entries, bytes});
  });
}

bool MemStream::remove_if_empty() {
  std::lock_guard lock(mu_);
  if (removed_ || holds_data_locked() || !sealed_.empty() || !chunks_.empty()) return false;
  removed_ = true;
  return true;
}

}  // namespace ingest
