#include "chunk/chunk_reader.h"

#include <zstd.h>

#include <algorithm>
#include <limits>

#include "chunk/coding.h"
#include "chunk/crc32c.h"
#include "chunk/trigram_filter.h"
#include "chunk/zstd_context_pool.h"
#include "fsutil/mapped_file.h"

namespace chunk {
namespace {

util::Error corrupt(const std::string& what) { return util::corruption("corrupt chunk: " + what); }

bool fits_int64(__int128 v) {
  return v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max();
}

std::string block_name(size_t i, const BlockMeta& b) {
  return "block " + std::to_string(i) + " (offset " + std::to_string(b.offset) + ")";
}

util::Status parse_header(std::string_view body, ChunkHeader& h) {
  ByteReader r(body);
  std::string_view tenant;
  if (!r.string(tenant) || tenant.size() > kMaxTenantBytes) return corrupt("bad tenant in header");
  h.tenant = std::string(tenant);
  uint64_t n;
  if (!r.bounded(n, r.remaining() / 2)) return corrupt("bad label count in header");
  std::vector<model::Label> labels;
  labels.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name, value;
    if (!r.string(name) || !r.string(value)) return corrupt("truncated label " + std::to_string(i) + " in header");
    if (!labels.empty() && !(labels.back().name < name)) return corrupt("header labels not sorted and unique");
    labels.push_back({std::string(name), std::string(value)});
  }
  if (!r.empty()) return corrupt("trailing bytes after the header labels");
  h.labels = model::LabelSet::from_unsorted(std::move(labels));
  return {};
}

}  // namespace

util::Result<ChunkReader> ChunkReader::open(std::string_view bytes) {
  ChunkReader c;
  c.bytes_ = bytes;
  const size_t size = bytes.size();
  if (size < kPreambleSize + 4 + kTrailerSize)
    return corrupt("only " + std::to_string(size) + " bytes, shorter than the smallest chunk");
  if (bytes.substr(0, kChunkMagic.size()) != kChunkMagic) return corrupt("bad magic (not a chunk file)");
  auto version = static_cast<uint8_t>(bytes[8]);
  if (version != kChunkVersion1 && version != kChunkVersionFiltered)
    return util::corruption("unsupported chunk format version " + std::to_string(version));
  c.header_.version = version;
  if (static_cast<uint8_t>(bytes[9]) != kCompressionZstd)
    return corrupt("unknown compression " + std::to_string(static_cast<uint8_t>(bytes[9])));
  if (bytes[10] != 0 || bytes[11] != 0) return corrupt("reserved preamble bytes are not zero");
  uint32_t header_len = get_fixed32(bytes.data() + 12);
  if (header_len > kMaxHeaderBytes || kPreambleSize + header_len + 4 + kTrailerSize > size)
    return corrupt("header length " + std::to_string(header_len) + " out of bounds");
  const size_t header_end = kPreambleSize + header_len;
  if (!checksum_matches(crc32c(bytes.substr(0, header_end)), get_fixed32(bytes.data() + header_end)))
    return corrupt("header checksum mismatch");
  if (auto s = parse_header(bytes.substr(kPreambleSize, header_len), c.header_); !s.ok()) return s.status_error();
  const uint64_t data_start = header_end + 4;

  const char* trailer = bytes.data() + size - kTrailerSize;
  if (std::string_view(trailer + 16, 8) != kChunkEndMagic) return corrupt("bad end magic (truncated file?)");
  uint64_t footer_offset = get_fixed64(trailer);
  uint32_t footer_len = get_fixed32(trailer + 8);
  uint32_t footer_crc = get_fixed32(trailer + 12);
  const uint64_t footer_end = size - kTrailerSize;
  if (footer_offset < data_start || footer_offset > footer_end || footer_end - footer_offset != footer_len)
    return corrupt("footer offset " + std::to_string(footer_offset) + " / length " + std::to_string(footer_len) +
                   " out of bounds");
  std::string_view footer = bytes.substr(footer_offset, footer_len);
  if (!checksum_matches(crc32c(footer), footer_crc)) return corrupt("footer (block index) checksum mismatch");

  ByteReader r(footer);
  uint64_t block_count, span, total_entries;
  int64_t min_time;
  // Each block entry takes at least 9 footer bytes (5 one-byte varints and a CRC).
  if (!r.bounded(block_count, std::min<uint64_t>(kMaxBlocksPerChunk, footer_len / 9)))
    return corrupt("bad block count in footer");
  if (!r.svarint(min_time) || !r.uvarint(span) || !r.uvarint(total_entries)) return corrupt("truncated footer");
  if (!fits_int64(static_cast<__int128>(min_time) + span)) return corrupt("chunk time range overflows");
  c.header_.min_time = min_time;
  c.header_.max_time = static_cast<int64_t>(static_cast<__int128>(min_time) + span);
  c.header_.entries = total_entries;
  c.blocks_.reserve(block_count);
  uint64_t offset = data_start;
  __int128 prev_max = min_time;
  uint64_t entries_sum = 0;
  for (uint64_t i = 0; i < block_count; ++i) {
    BlockMeta b;
    b.offset = offset;
    uint64_t csize, usize, min_delta, block_span, entries;
    std::string where = "block " + std::to_string(i) + " in footer";
    if (!r.uvarint(csize) || !r.uvarint(usize) || !r.uvarint(min_delta) || !r.uvarint(block_span) ||
        !r.uvarint(entries) || !r.fixed32(b.crc32c))
      return corrupt("truncated " + where);
    if (version >= kChunkVersionFiltered) {
      if (!r.string(b.filter)) return corrupt("truncated filter of " + where);
      if (auto s = validate_trigram_filter(b.filter); !s.ok()) return corrupt(where + ": " + s.error());
    }
    if (csize == 0 || csize > footer_offset - offset) return corrupt(where + ": compressed size out of bounds");
    if (usize == 0 || usize > kMaxBlockUncompressedBytes) return corrupt(where + ": uncompressed size out of bounds");
    if (entries == 0 || entries > kMaxEntriesPerBlock || entries > usize / 2) return corrupt(where + ": bad entry count");
    __int128 bmin = prev_max + min_delta, bmax = bmin + block_span;
    if (bmax > c.header_.max_time) return corrupt(where + ": time range outside the chunk's");
    if (i == 0 && bmin != min_time) return corrupt(where + ": first block does not start at the chunk's min time");
    b.compressed_size = static_cast<uint32_t>(csize);
    b.uncompressed_size = static_cast<uint32_t>(usize);
    b.min_time = static_cast<int64_t>(bmin);
    b.max_time = static_cast<int64_t>(bmax);
    b.entries = static_cast<uint32_t>(entries);
    offset += csize;
    prev_max = bmax;
    entries_sum += entries;
    c.header_.uncompressed_bytes += usize;
    c.blocks_.push_back(b);
  }
  if (!r.empty()) return corrupt("trailing bytes in footer");
  if (offset != footer_offset) return corrupt("blocks do not end where the footer starts");
  if (entries_sum != total_entries) return corrupt("block entry counts do not add up to the chunk's");
  if (block_count > 0 && prev_max != c.header_.max_time) return corrupt("last block does not end at the chunk's max time");
  if (block_count == 0 && span != 0) return corrupt("empty chunk with a time range");
  return c;
}

util::Result<ChunkReader> ChunkReader::open_file(const std::string& path) {
  auto f = fsutil::MappedFile::open(path);
  if (!f.ok()) return f.status_error();
  auto shared = std::make_shared<const fsutil::MappedFile>(std::move(*f));
  auto c = open(shared->data());
  if (!c.ok()) return util::Error{path + ": " + c.error(), c.code()};
  c->owner_ = std::move(shared);
  return c;
}

util::Result<ChunkReader> ChunkReader::open_owned(std::string_view bytes, std::shared_ptr<const void> owner) {
  auto c = open(bytes);
  if (c.ok()) c->owner_ = std::move(owner);
  return c;
}

util::Status ChunkReader::read_block_with(size_t i, BlockBuffer& payload, DecodedBlock& out, void* dctx) const {
  if (i >= blocks_.size()) return util::corruption("chunk: block index " + std::to_string(i) + " out of range");
  const BlockMeta& b = blocks_[i];
  std::string_view compressed = bytes_.substr(b.offset, b.compressed_size);
  if (!checksum_matches(crc32c(compressed), b.crc32c)) return corrupt(block_name(i, b) + ": checksum mismatch");
  char* dst = payload.reserve(b.uncompressed_size);
  size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx), dst, b.uncompressed_size, compressed.data(),
                                 compressed.size());
  if (ZSTD_isError(n)) return corrupt(block_name(i, b) + ": zstd: " + ZSTD_getErrorName(n));
  if (n != b.uncompressed_size)
    return corrupt(block_name(i, b) + ": decompressed to " + std::to_string(n) + " bytes, expected " +
                   std::to_string(b.uncompressed_size));
  auto s = out.parse(std::string_view(dst, b.uncompressed_size), b.entries, b.min_time, b.max_time, "corrupt chunk: " + block_name(i, b));
  return s;
}

util::Status ChunkReader::read_block(size_t i, BlockBuffer& payload, DecodedBlock& out) const {
  ZstdDecompressorLease dctx;
  return read_block_with(i, payload, out, dctx.get());
}

util::Status ChunkReader::verify() const {
  ZstdDecompressorLease dctx;
  BlockBuffer payload;
  DecodedBlock block;
  util::Status s;
  for (size_t i = 0; i < blocks_.size() && s.ok(); ++i) s = read_block_with(i, payload, block, dctx.get());
  return s;
}

util::Result<std::vector<model::Entry>> ChunkReader::read_all() const {
  // Block by block rather than through an iterator: no half-open range holds INT64_MAX.
  std::vector<model::Entry> out;
  out.reserve(std::min<uint64_t>(header_.entries, 1 << 20));
  ZstdDecompressorLease dctx;
  BlockBuffer payload;
  DecodedBlock block;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (auto s = read_block_with(i, payload, block, dctx.get()); !s.ok()) return s.status_error();
    for (const auto& v : block.entries()) {
      model::Entry e;
      e.timestamp = v.timestamp;
      e.line = std::string(block.line(v));
      if (v.metadata_count > 0) {
        std::vector<model::Label> md;
        for (uint32_t m = 0; m < v.metadata_count; ++m) {
          const auto& [name, value] = block.metadata()[v.metadata_begin + m];
          md.push_back({std::string(name), std::string(value)});
        }
        e.metadata = model::LabelSet::from_unsorted(std::move(md));
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

EntryIterator ChunkReader::entries(int64_t start, int64_t end, Direction dir) const {
  return EntryIterator(this, start, end, dir);
}

// ---------------------------------------------------------------------------------------------

struct EntryIterator::Dctx {
  ZstdDecompressorLease lease;
  ZSTD_DCtx* ctx = lease.get();
};

EntryIterator::EntryIterator(const ChunkReader* reader, int64_t start, int64_t end, Direction dir)
    : reader_(reader), keep_alive_(reader->owner_), start_(start), end_(end), dir_(dir), dctx_(new Dctx) {
  next_block_ = dir == Direction::kForward ? 0 : reader->blocks_.size();
}

EntryIterator::EntryIterator(EntryIterator&&) noexcept = default;
EntryIterator& EntryIterator::operator=(EntryIterator&&) noexcept = default;
EntryIterator::~EntryIterator() = default;

bool EntryIterator::load_next_block() {
  const auto& blocks = reader_->blocks_;
  if (start_ >= end_) return false;
  for (;;) {
    size_t i;
    if (dir_ == Direction::kForward) {
      if (next_block_ >= blocks.size()) return false;
      i = next_block_++;
      if (blocks[i].min_time >= end_) {  // blocks are in time order: nothing later overlaps
        next_block_ = blocks.size();
        return false;
      }
    } else {
      if (next_block_ == 0) return false;
      i = --next_block_;
      if (blocks[i].max_time < start_) {
        next_block_ = 0;
        return false;
      }
    }
    if (!blocks[i].overlaps(start_, end_)) continue;
    status_ = reader_->read_block_with(i, payload_, block_, dctx_->ctx);
    if (!status_.ok()) {
      next_block_ = dir_ == Direction::kForward ? blocks.size() : 0;
      return false;
    }
    const auto& es = block_.entries();
    if (dir_ == Direction::kForward) {
      pos_ = std::lower_bound(es.begin(), es.end(), start_,
                              [](const EntryView& e, int64_t t) { return e.timestamp < t; }) - es.begin();
    } else {
      pos_ = std::lower_bound(es.begin(), es.end(), end_,
                              [](const EntryView& e, int64_t t) { return e.timestamp < t; }) - es.begin();
    }
    in_block_ = true;
    return true;
  }
}

bool EntryIterator::next() {
  for (;;) {
    if (in_block_) {
      const auto& es = block_.entries();
      if (dir_ == Direction::kForward) {
        if (pos_ < es.size()) {
          if (es[pos_].timestamp >= end_) return false;
          cur_ = &es[pos_++];
          return true;
        }
      } else if (pos_ > 0) {
        if (es[pos_ - 1].timestamp < start_) return false;
        cur_ = &es[--pos_];
        return true;
      }
      in_block_ = false;
    }
    if (!load_next_block()) return false;
  }
}

model::Entry EntryIterator::entry() const {
  model::Entry e;
  e.timestamp = timestamp();
  e.line = std::string(line());
  if (metadata_size() > 0) {
    std::vector<model::Label> md;
    md.reserve(metadata_size());
    for (size_t i = 0; i < metadata_size(); ++i) md.push_back({std::string(metadata(i).first), std::string(metadata(i).second)});
    e.metadata = model::LabelSet::from_unsorted(std::move(md));
  }
  return e;
}

}  // namespace chunk
