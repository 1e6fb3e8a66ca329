#include "store/chunk_cursor.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "chunk/trigram_filter.h"
#include "util/substring_finder.h"

namespace store {
namespace {


enum State : int { kQueued, kRunning, kDone, kAbandoned };

}  // namespace

// Everything a worker needs, owned (the reader and needles shared), so a block read ahead stays
// valid if its cursor goes away first.
struct ChunkCursor::BlockRead {
  std::shared_ptr<const chunk::ChunkReader> reader;
  std::shared_ptr<const NeedleGroups> needles;
  uint32_t index = 0;
  int64_t start = 0, end = 0;
  bool forward = true;
  BlockReadPool* pool = nullptr;
  uint64_t reserved = 0;  // read-ahead budget held until the cursor takes the block

  std::atomic<int> state{kQueued};
  std::mutex mu;
  std::condition_variable done;

  // Results.
  util::Status status;
  chunk::BlockBuffer payload;
  chunk::DecodedBlock block;
  std::vector<uint32_t> selected;  // entries to return, in iteration order
  std::vector<uint8_t> matches, group_hits;  // per entry, while filtering
  bool past_range = false;         // an entry beyond the range's far end: no later block matters

  ~BlockRead() { release(); }
  // Back to a fresh state, keeping the buffers' capacity.
  void recycle() {
    release();
    reader.reset();
    needles.reset();
    pool = nullptr;
    state.store(kQueued);
    status = {};
    selected.clear();
    past_range = false;
  }
  void release() {
    if (reserved) pool->release(reserved);
    reserved = 0;
  }

  void run() {
    status = reader->read_block(index, payload, block);
    reader.reset();  // the last block read lets the file mapping go
    if (!status.ok()) return;
    const bool filtered = needles && !needles->empty();
    const auto& es = block.entries();
    if (filtered && !mark_matching_lines()) return;
    selected.reserve(es.size());
    auto keep = [&](uint32_t i) { return !filtered || matches[i]; };
    if (forward) {
      for (uint32_t i = 0; i < es.size(); ++i) {
        if (es[i].timestamp < start) continue;
        if (es[i].timestamp >= end) {
          past_range = true;
          break;
        }
        if (keep(i)) selected.push_back(i);
      }
    } else {
      for (uint32_t i = static_cast<uint32_t>(es.size()); i-- > 0;) {
        if (es[i].timestamp >= end) continue;
        if (es[i].timestamp < start) {
          past_range = true;
          break;
        }
        if (keep(i)) selected.push_back(i);
      }
    }
  }

  // Sets matches[i] for every entry whose line holds a literal of every group, with one search
  // pass over the block's lines (they are contiguous) per literal rather than one call per line.
  // util::SubstringFinder, not glibc's memmem: 10% less CPU for a common word (perf).
  // False if no line matches.
  bool mark_matching_lines() {
    const auto& es = block.entries();
    matches.assign(es.size(), 1);
    if (es.empty()) return false;
    const std::string_view payload = block.payload();
    const size_t lines_end = es.back().line_offset + es.back().line_size;
    for (const auto& group : *needles) {
      group_hits.assign(es.size(), 0);
      for (const auto& needle : group) {
        const util::SubstringFinder finder(needle);
        size_t from = es.front().line_offset;
        size_t entry = 0;
        while (from + needle.size() <= lines_end) {
          const size_t found = finder.find(payload.substr(from, lines_end - from));
          if (found == util::SubstringFinder::npos) break;
          const size_t at = from + found;
          while (es[entry].line_offset + es[entry].line_size <= at) ++entry;  // the line holding `at`
          const size_t line_end = es[entry].line_offset + es[entry].line_size;
          if (at + needle.size() <= line_end) {
            group_hits[entry] = 1;
            from = line_end;  // this line is decided
          } else {
            from = at + 1;  // the hit spans two lines: not a match
          }
        }
      }
      bool any = false;
      for (size_t i = 0; i < es.size(); ++i) {
        matches[i] &= group_hits[i];
        any |= matches[i] != 0;
      }
      if (!any) return false;
    }
    return true;
  }

  // Runs the read on this thread unless a worker has started it, then waits for it.
  void finish() {
    int expected = kQueued;
    bool mine = state.compare_exchange_strong(expected, kRunning);
    // Abandoned is only a hint to the workers; whoever still holds the block may read it.
    if (!mine && expected == kAbandoned) mine = state.compare_exchange_strong(expected, kRunning);
    if (mine) {
      run();
      state.store(kDone);
      return;
    }
    std::unique_lock lock(mu);
    done.wait(lock, [this] { return state.load() == kDone; });
  }
};

namespace {

// Spent BlockReads, kept with their buffers: allocating (and zeroing, and page-faulting) a fresh
// 256 KiB payload for every block cost more than decompressing it. Process-wide, as queries come
// and go; never destroyed (worker threads may return blocks during exit).
class BlockReadCache {
 public:
  static BlockReadCache& instance() {
    static auto* cache = new BlockReadCache;
    return *cache;
  }

  std::shared_ptr<ChunkCursor::BlockRead> take() {
    std::unique_ptr<ChunkCursor::BlockRead> b;
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        b = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!b) b = std::make_unique<ChunkCursor::BlockRead>();
    return std::shared_ptr<ChunkCursor::BlockRead>(b.release(), [](ChunkCursor::BlockRead* p) {
      BlockReadCache::instance().give_back(std::unique_ptr<ChunkCursor::BlockRead>(p));
    });
  }

 private:
  static constexpr size_t kMaxKept = 128;

  void give_back(std::unique_ptr<ChunkCursor::BlockRead> b) {
    b->recycle();
    std::lock_guard lock(mu_);
    if (free_.size() < kMaxKept) free_.push_back(std::move(b));
  }

  std::mutex mu_;
  std::vector<std::unique_ptr<ChunkCursor::BlockRead>> free_;
};

}  // namespace

ChunkCursor::ChunkCursor(chunk::ChunkReader reader, ChunkCursorOptions options)
    : reader_(std::make_shared<const chunk::ChunkReader>(std::move(reader))), opts_(std::move(options)) {
  if (opts_.needles && opts_.needles->empty()) opts_.needles = nullptr;
  const auto& blocks = reader_->blocks();
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].overlaps(opts_.start, opts_.end)) blocks_.push_back(static_cast<uint32_t>(i));
  }
  if (!opts_.forward) std::reverse(blocks_.begin(), blocks_.end());
}

ChunkCursor::ChunkCursor(ChunkCursor&&) noexcept = default;
ChunkCursor& ChunkCursor::operator=(ChunkCursor&&) noexcept = default;

ChunkCursor::~ChunkCursor() {
  // Blocks no worker has started are not read at all.
  for (auto& b : ahead_) {
    int expected = kQueued;
    b->state.compare_exchange_strong(expected, kAbandoned);
  }
}

bool ChunkCursor::filter_rules_out(uint32_t block) const {
  if (!opts_.needles || !opts_.use_block_filters) return false;
  std::string_view filter = reader_->blocks()[block].filter;
  if (filter.empty()) return false;
  for (const auto& group : *opts_.needles) {
    bool any = false;
    for (const auto& n : group) any = any || chunk::filter_may_contain(filter, n);
    if (!any) return true;
  }
  return false;
}

// Keeps the next blocks scheduled: with a pool, as many as it has threads beyond the one the
// caller is about to take, each handed to the pool if the read-ahead budget has room.
void ChunkCursor::prefetch() {
  if (opts_.pool && ahead_.empty() && !current_) schedule(true);
}

void ChunkCursor::schedule(bool pool_first) {
  const size_t window = opts_.pool ? static_cast<size_t>(opts_.pool->threads()) + 1 : 1;
  while (next_block_ < blocks_.size() && ahead_.size() < window) {
    // Checked for skipped blocks too: a query whose filters skip block after block must still
    // stop at its deadline.
    if (opts_.cancel && !opts_.cancel->check().ok()) {
      ended_ = true;
      next_block_ = blocks_.size();
      break;
    }
    uint32_t index = blocks_[next_block_++];
    if (filter_rules_out(index)) {
      ++skipped_by_filter_;
      continue;
    }
    auto b = BlockReadCache::instance().take();
    b->reader = reader_;
    b->needles = opts_.needles;
    b->index = index;
    b->start = opts_.start;
    b->end = opts_.end;
    b->forward = opts_.forward;
    b->pool = opts_.pool;
    const bool first = ahead_.empty();
    ahead_.push_back(b);
    // The block the caller takes next is read by the caller (handing it to the pool could only
    // make it wait), unless the caller is only preparing a chunk it will reach later.
    if (opts_.pool && (!first || pool_first) && opts_.pool->try_reserve(reader_->blocks()[index].uncompressed_size)) {
      b->reserved = reader_->blocks()[index].uncompressed_size;
      opts_.pool->submit([b] {
        int expected = kQueued;
        if (!b->state.compare_exchange_strong(expected, kRunning)) return;
        b->run();
        {
          std::lock_guard lock(b->mu);
          b->state.store(kDone);
        }
        b->done.notify_all();
      });
    }
  }
  // Every block is scheduled: the cursor no longer needs the file (the reads hold it as long as
  // they need it), so a query over many streams keeps few mappings (vm.max_map_count).
  if (next_block_ == blocks_.size()) reader_.reset();
}

bool ChunkCursor::load_next_block() {
  for (;;) {
    if (ended_) return false;
    if (opts_.cancel && !opts_.cancel->check().ok()) {
      ended_ = true;
      return false;
    }
    schedule(false);
    if (ended_ || ahead_.empty()) {
      ended_ = true;
      return false;
    }
    current_ = std::move(ahead_.front());
    ahead_.pop_front();
    current_->finish();
    current_->release();
    if (!current_->status.ok()) {
      if (opts_.on_corrupt) opts_.on_corrupt(current_->status.error());
      continue;
    }
    if (current_->past_range) {
      // Later blocks lie further outside the range still.
      ended_ = true;
      for (auto& b : ahead_) {
        int expected = kQueued;
        b->state.compare_exchange_strong(expected, kAbandoned);
      }
      ahead_.clear();
      next_block_ = blocks_.size();
      reader_.reset();
    }
    pos_ = 0;
    if (!current_->selected.empty()) return true;
  }
}

bool ChunkCursor::next() {
  for (;;) {
    if (current_ && pos_ < current_->selected.size()) {
      cur_ = &current_->block.entries()[current_->selected[pos_++]];
      return true;
    }
    if (!load_next_block()) {
      current_.reset();
      return false;
    }
  }
}

std::string_view ChunkCursor::line() const { return current_->block.line(*cur_); }

void ChunkCursor::copy_to(model::Entry& e) const {
  e.timestamp = cur_->timestamp;
  std::string_view l = line();
  e.line.assign(l.data(), l.size());
  if (cur_->metadata_count == 0) {
    if (!e.metadata.empty()) e.metadata = model::LabelSet{};
    return;
  }
  std::vector<model::Label> pairs;
  pairs.reserve(cur_->metadata_count);
  const auto& md = current_->block.metadata();
  for (uint32_t i = 0; i < cur_->metadata_count; ++i) {
    const auto& [name, value] = md[cur_->metadata_begin + i];
    pairs.push_back(model::Label{std::string(name), std::string(value)});
  }
  e.metadata = model::LabelSet::from_unsorted(std::move(pairs));
}

}  // namespace store
