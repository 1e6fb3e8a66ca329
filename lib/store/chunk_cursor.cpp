#include "store/chunk_cursor.h"

#include <string.h>

#include <algorithm>

namespace store {

ChunkCursor::ChunkCursor(chunk::ChunkReader reader, int64_t start, int64_t end, bool forward,
                         const NeedleGroups* needles, std::function<void(const std::string&)> on_corrupt,
                         const util::Cancellation* cancel)
    : reader_(std::move(reader)),
      start_(start),
      end_(end),
      forward_(forward),
      needles_(needles && !needles->empty() ? needles : nullptr),
      on_corrupt_(std::move(on_corrupt)),
      cancel_(cancel) {
  const auto& blocks = reader_.blocks();
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].overlaps(start_, end_)) blocks_.push_back(static_cast<uint32_t>(i));
  }
  if (!forward_) std::reverse(blocks_.begin(), blocks_.end());
}

namespace {

bool has_needles(const NeedleGroups& needles, std::string_view text) {
  for (const auto& group : needles) {
    bool any = false;
    for (const auto& n : group) {
      if (::memmem(text.data(), text.size(), n.data(), n.size()) != nullptr) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace

bool ChunkCursor::block_has_needles() const { return has_needles(*needles_, payload_); }

bool ChunkCursor::load_next_block() {
  while (next_block_ < blocks_.size()) {
    if (cancel_ && !cancel_->check().ok()) {
      next_block_ = blocks_.size();
      return false;
    }
    uint32_t b = blocks_[next_block_++];
    // read_block parses too; the needle test runs on the payload it decompressed, before any
    // entry is looked at, so a skipped block costs one decompression and one memmem.
    if (auto s = reader_.read_block(b, payload_, block_); !s.ok()) {
      if (on_corrupt_) on_corrupt_(s.error());
      continue;
    }
    if (needles_ && !block_has_needles()) continue;
    // The decoded block lives in payload_; once no block is left to read, drop the file mapping,
    // so a query over many streams holds one mapping per stream only while it needs one (the
    // kernel caps mappings per process, vm.max_map_count, at about 65k by default).
    if (next_block_ == blocks_.size()) reader_ = chunk::ChunkReader();
    pos_ = forward_ ? 0 : block_.entries().size();
    in_block_ = true;
    return true;
  }
  return false;
}

bool ChunkCursor::next() {
  for (;;) {
    if (!in_block_ && !load_next_block()) return false;
    const auto& entries = block_.entries();
    if (forward_) {
      while (pos_ < entries.size()) {
        const auto& e = entries[pos_++];
        if (e.timestamp < start_) continue;
        if (e.timestamp >= end_) {
          // Later blocks start later still: nothing more in range.
          next_block_ = blocks_.size();
          break;
        }
        // A line without the literals cannot pass the query's filters: not copying it out saves
        // more than the engine's own check of it would cost.
        if (needles_ && !has_needles(*needles_, block_.line(e))) continue;
        cur_ = &e;
        return true;
      }
    } else {
      while (pos_ > 0) {
        const auto& e = entries[--pos_];
        if (e.timestamp >= end_) continue;
        if (e.timestamp < start_) {
          next_block_ = blocks_.size();
          break;
        }
        if (needles_ && !has_needles(*needles_, block_.line(e))) continue;
        cur_ = &e;
        return true;
      }
    }
    in_block_ = false;
  }
}

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
  const auto& md = block_.metadata();
  for (uint32_t i = 0; i < cur_->metadata_count; ++i) {
    const auto& [name, value] = md[cur_->metadata_begin + i];
    pairs.push_back(model::Label{std::string(name), std::string(value)});
  }
  e.metadata = model::LabelSet::from_unsorted(std::move(pairs));
}

}  // namespace store
