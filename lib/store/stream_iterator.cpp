#include "store/stream_iterator.h"

#include <algorithm>
#include <tuple>

namespace store {

void ReadContext::report_corrupt(const std::string& message) const {
  if (corrupt_skipped) corrupt_skipped->fetch_add(1, std::memory_order_relaxed);
  if (warn) warn("store: tenant " + tenant + ": skipping corrupt chunk data: " + message);
}

StreamIterator::StreamIterator(model::LabelSet labels, std::vector<idx::ChunkRef> chunks,
                               std::shared_ptr<const ReadContext> ctx)
    : labels_(std::move(labels)), chunks_(std::move(chunks)), ctx_(std::move(ctx)) {
  // By start time (ChunkRef's own order compares the file name first), so clusters of
  // overlapping chunks are runs.
  std::sort(chunks_.begin(), chunks_.end(), [](const idx::ChunkRef& a, const idx::ChunkRef& b) {
    return std::tie(a.min_time, a.max_time, a.file, a.offset) < std::tie(b.min_time, b.max_time, b.file, b.offset);
  });
  for (size_t i = 0; i < chunks_.size();) {
    int64_t max = chunks_[i].max_time;
    size_t j = i + 1;
    while (j < chunks_.size() && chunks_[j].min_time <= max) max = std::max(max, chunks_[j++].max_time);
    clusters_.emplace_back(i, j);
    i = j;
  }
  if (!ctx_->forward) std::reverse(clusters_.begin(), clusters_.end());
}

std::optional<ChunkCursor> StreamIterator::open_chunk(const idx::ChunkRef& ref) {
  const std::string path = ref.id();
  auto reader = ctx_->chunks->open(ctx_->tenant, ref);
  if (!reader.ok()) {
    if (reader.code() == util::ErrorCode::kNotFound || reader.code() == util::ErrorCode::kCorruption) {
      // Gone (a maintenance run replaced it after our index was read: look again next time) or
      // damaged: skipped, as one bad chunk must not fail the query.
      if (reader.code() == util::ErrorCode::kNotFound && ctx_->catalog) {
        for (int64_t p = idx::period_of(ref.min_time); p <= idx::period_of(ref.max_time); ++p)
          ctx_->catalog->invalidate(ctx_->tenant, p);
      }
      ctx_->report_corrupt(path + ": " + reader.error());
    } else if (status_.ok()) {
      status_ = reader.status_error();  // the store does not answer: the query fails, naming it
    }
    return std::nullopt;
  }
  // A chunk file that is valid but not the one the index means (another stream or tenant) is as
  // unusable as a corrupt one.
  const auto& h = reader->header();
  if (h.labels != labels_ || h.tenant != ctx_->tenant) {
    ctx_->report_corrupt(path + ": header names stream " + h.labels.to_string() + " of tenant " + h.tenant +
                         ", the index expects " + labels_.to_string());
    return std::nullopt;
  }
  if (ctx_->chunks_opened) ctx_->chunks_opened->fetch_add(1, std::memory_order_relaxed);
  auto ctx = ctx_;
  ChunkCursorOptions o;
  o.start = ctx_->start;
  o.end = ctx_->end;
  o.forward = ctx_->forward;
  o.needles = ctx_->needles;
  o.use_block_filters = ctx_->use_block_filters;
  o.cancel = ctx_->cancel;
  o.pool = ctx_->pool;
  o.on_corrupt = [ctx, path](const std::string& err) { ctx->report_corrupt(path + ": " + err); };
  return ChunkCursor(std::move(*reader), std::move(o));
}

// With a read pool, the chunk of the next cluster (when it is a single chunk, the usual case) is
// opened while the current one is consumed, so the pool reads its blocks ahead too: without it,
// a stream of small chunks would read every chunk's first block on the query thread.
void StreamIterator::prepare_next_cluster() {
  prepared_.reset();
  prepared_status_ = {};
  if (!ctx_->pool || next_cluster_ >= clusters_.size()) return;
  auto [begin, end] = clusters_[next_cluster_];
  if (end - begin != 1) return;
  prepared_cluster_ = next_cluster_;
  prepared_ = open_chunk(chunks_[begin]);
  // A store error belongs to the moment the cluster is reached (a limit may end the query first).
  prepared_status_ = status_;
  status_ = {};
  if (prepared_) prepared_->prefetch();
}

bool StreamIterator::open_next_cluster() {
  while (next_cluster_ < clusters_.size()) {
    const size_t cluster = next_cluster_++;
    auto [begin, end] = clusters_[cluster];
    cursors_.clear();
    alive_.clear();
    if (prepared_cluster_ == cluster) {
      prepared_cluster_ = kNone;
      status_ = prepared_status_;
      if (prepared_) cursors_.push_back(std::move(*prepared_));
      prepared_.reset();
    } else {
      for (size_t i = begin; i < end && status_.ok(); ++i) {
        if (auto c = open_chunk(chunks_[i])) cursors_.push_back(std::move(*c));
      }
    }
    if (!status_.ok()) {
      cursors_.clear();
      next_cluster_ = clusters_.size();
      return false;
    }
    for (auto& c : cursors_) alive_.push_back(c.next() ? 1 : 0);
    prepare_next_cluster();
    if (std::find(alive_.begin(), alive_.end(), 1) != alive_.end()) return true;
  }
  cursors_.clear();
  return false;
}

// Collects every entry with the next timestamp from the cluster's cursors and decides which
// survive deduplication.
bool StreamIterator::fill_group() {
  bool found = false;
  int64_t ts = 0;
  for (size_t i = 0; i < cursors_.size(); ++i) {
    if (!alive_[i]) continue;
    int64_t t = cursors_[i].timestamp();
    if (!found || (ctx_->forward ? t < ts : t > ts)) ts = t, found = true;
  }
  if (!found) return false;
  group_size_ = 0;
  for (size_t i = 0; i < cursors_.size(); ++i) {
    while (alive_[i] && cursors_[i].timestamp() == ts) {
      if (group_size_ == group_.size()) group_.emplace_back();
      auto& g = group_[group_size_++];
      cursors_[i].copy_to(g.entry);
      g.source = static_cast<uint32_t>(i);
      alive_[i] = cursors_[i].next() ? 1 : 0;
    }
  }
  items_.resize(group_size_);
  for (size_t i = 0; i < group_size_; ++i) items_[i] = {group_[i].entry.line, group_[i].source};
  dedup_.mark(items_.data(), group_size_, keep_);
  group_pos_ = 0;
  return true;
}

bool StreamIterator::next() {
  for (;;) {
    if (cursors_.size() == 1) {
      // Fast path: one chunk, no merging. The cursor was primed when the cluster opened.
      if (alive_[0]) {
        cursors_[0].copy_to(single_);
        current_ = &single_;
        alive_[0] = cursors_[0].next() ? 1 : 0;
        return true;
      }
    } else if (cursors_.size() > 1) {
      while (true) {
        while (group_pos_ < group_size_) {
          size_t i = group_pos_++;
          if (keep_[i]) {
            current_ = &group_[i].entry;
            return true;
          }
        }
        if (!fill_group()) break;
      }
    }
    group_size_ = group_pos_ = 0;
    if (!open_next_cluster()) return false;
  }
}

}  // namespace store
