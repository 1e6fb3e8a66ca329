#include "chunk/block_codec.h"

#include <algorithm>

#include "chunk/chunk_format.h"
#include "chunk/coding.h"

namespace chunk {

char* BlockBuffer::reserve(size_t n) {
  if (n <= slot_.size) return slot_.data;
  release();
  slot_ = util::HugePageSlots::shared().take(n);
  pooled_ = slot_.data != nullptr;
  if (!pooled_) slot_ = {new char[n], n};
  return slot_.data;
}

void BlockBuffer::release() {
  if (!slot_.data) return;
  if (pooled_) {
    util::HugePageSlots::shared().give_back(slot_);
  } else {
    delete[] slot_.data;
  }
  slot_ = {};
  pooled_ = false;
}

namespace {

// Enough for the big buffers of a few writers alive at once on one thread; each at most 4 MiB.
constexpr size_t kMaxSpareBuffers = 8;
constexpr size_t kMaxSpareCapacity = 4u << 20;
constexpr size_t kMinSpareCapacity = 64u << 10;  // smaller ones come cheaply from malloc's free lists

std::vector<std::string>& spare_buffers() {
  thread_local std::vector<std::string> spare;
  return spare;
}

}  // namespace

std::string take_block_buffer() {
  auto& spare = spare_buffers();
  if (spare.empty()) return {};
  std::string s = std::move(spare.back());
  spare.pop_back();
  s.clear();
  return s;
}

void give_block_buffer(std::string&& buffer) {
  auto& spare = spare_buffers();
  if (buffer.capacity() < kMinSpareCapacity || buffer.capacity() > kMaxSpareCapacity || spare.size() >= kMaxSpareBuffers)
    return;
  spare.push_back(std::move(buffer));
}

BlockEncoder::BlockEncoder() : lines_(take_block_buffer()) {}

BlockEncoder::~BlockEncoder() { give_block_buffer(std::move(lines_)); }

uint32_t BlockEncoder::name_index(std::string_view name) {
  if (auto it = name_ids_.find(name); it != name_ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  name_ids_.emplace(std::string(name), id);
  return id;
}

void BlockEncoder::add(int64_t ts, std::string_view line, const std::vector<model::Label>& metadata) {
  if (entries_ == 0) {
    min_time_ = ts;
    last_ts_ = ts;
  }
  // Unsigned subtraction: the delta is non-negative by precondition, and cannot overflow even
  // across the whole int64 range.
  put_uvarint(timestamps_, static_cast<uint64_t>(ts) - static_cast<uint64_t>(last_ts_));
  last_ts_ = ts;
  put_uvarint(lengths_, line.size());
  lines_.append(line);
  put_uvarint(pair_counts_, metadata.size());
  for (const auto& l : metadata) {
    any_metadata_ = true;
    put_uvarint(pairs_, name_index(l.name));
    put_string(pairs_, l.value);
  }
  ++entries_;
}

size_t BlockEncoder::payload_size() const {
  size_t names = 0;
  for (const auto& n : names_) names += n.size() + 2;
  size_t meta = any_metadata_ ? names + pair_counts_.size() + pairs_.size() : 0;
  return 10 + timestamps_.size() + lengths_.size() + 10 + meta + lines_.size();
}

void BlockEncoder::finish_into(std::string& out) {
  out.clear();
  out.reserve(payload_size());
  put_uvarint(out, entries_);
  out += timestamps_;
  out += lengths_;
  // A block without any metadata stores a zero name count and no per-entry pair counts.
  if (!any_metadata_) {
    put_uvarint(out, 0);
  } else {
    put_uvarint(out, names_.size());
    for (const auto& n : names_) put_string(out, n);
    out += pair_counts_;
    out += pairs_;
  }
  out += lines_;
  entries_ = 0;
  timestamps_.clear();
  lengths_.clear();
  pair_counts_.clear();
  pairs_.clear();
  lines_.clear();
  any_metadata_ = false;
  names_.clear();
  name_ids_.clear();
}

util::Status DecodedBlock::parse(std::string_view payload, uint32_t expected_entries, int64_t min_time,
                                 int64_t max_time, const std::string& where) {
  payload_ = payload;
  entries_.clear();
  names_.clear();
  metadata_.clear();
  auto fail = [&](const std::string& what) {
    return util::corruption(where + ": " + what);
  };
  if (payload.size() > kMaxBlockUncompressedBytes) return fail("payload larger than the block limit");
  ByteReader r(payload);
  uint64_t count;
  // Every entry takes at least two payload bytes (a timestamp and a length varint), which bounds
  // the count by the real size before anything is allocated for it.
  if (!r.bounded(count, std::min<uint64_t>(payload.size() / 2, kMaxEntriesPerBlock)))
    return fail("bad entry count");
  if (count != expected_entries)
    return fail("entry count " + std::to_string(count) + " does not match the block index (" +
                std::to_string(expected_entries) + ")");
  entries_.resize(count);
  uint64_t ts = static_cast<uint64_t>(min_time);
  const uint64_t span = static_cast<uint64_t>(max_time) - static_cast<uint64_t>(min_time);
  uint64_t elapsed = 0;  // ts - min_time, tracked unsigned so hostile deltas cannot overflow
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t delta;
    if (!r.uvarint(delta)) return fail("truncated or malformed timestamp of entry " + std::to_string(i));
    if (i == 0 && delta != 0) return fail("first timestamp differs from the block's min time");
    if (delta > span - elapsed) return fail("timestamp of entry " + std::to_string(i) + " beyond the block's max time");
    elapsed += delta;
    ts += delta;
    entries_[i].timestamp = static_cast<int64_t>(ts);
  }
  if (count > 0 && elapsed != span) return fail("last timestamp differs from the block's max time");
  uint64_t total_lines = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t len;
    if (!r.bounded(len, payload.size())) return fail("bad line length of entry " + std::to_string(i));
    entries_[i].line_size = static_cast<uint32_t>(len);
    total_lines += len;
  }
  uint64_t name_count;
  if (!r.bounded(name_count, r.remaining())) return fail("bad metadata name count");
  names_.resize(name_count);
  for (auto& n : names_)
    if (!r.string(n)) return fail("truncated metadata name table");
  uint64_t total_pairs = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t pairs = 0;
    // Without names there are no pair counts at all (the common, metadata-free block).
    if (name_count > 0 && !r.bounded(pairs, r.remaining() / 2))
      return fail("bad metadata pair count of entry " + std::to_string(i));
    entries_[i].metadata_begin = static_cast<uint32_t>(total_pairs);
    entries_[i].metadata_count = static_cast<uint32_t>(pairs);
    total_pairs += pairs;
    // Each pair takes at least two bytes, so more pairs than that cannot be real.
    if (total_pairs > r.remaining() / 2) return fail("metadata pair counts exceed the block size");
  }
  for (uint64_t i = 0; i < count; ++i) {
    for (uint32_t p = 0; p < entries_[i].metadata_count; ++p) {
      uint64_t name;
      std::string_view value;
      if (!r.uvarint(name) || name >= name_count) return fail("bad metadata name index in entry " + std::to_string(i));
      if (!r.string(value)) return fail("truncated metadata value in entry " + std::to_string(i));
      metadata_.emplace_back(names_[name], value);
    }
  }
  if (total_lines != r.remaining())
    return fail("line lengths add up to " + std::to_string(total_lines) + " bytes but " +
                std::to_string(r.remaining()) + " remain");
  auto offset = static_cast<uint32_t>(r.position());
  for (auto& e : entries_) {
    e.line_offset = offset;
    offset += e.line_size;
  }
  return {};
}

}  // namespace chunk
