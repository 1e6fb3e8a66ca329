#include "chunk/segment.h"

#include "chunk/coding.h"
#include "chunk/crc32c.h"
#include "fsutil/mapped_file.h"

namespace chunk {
namespace {

util::Error corrupt(const std::string& what) { return util::corruption("corrupt segment: " + what); }

}  // namespace

SegmentWriter::SegmentWriter() {
  data_.append(kSegmentMagic);
  data_.push_back(static_cast<char>(kSegmentVersion));
  data_.append(3, '\0');
}

SegmentEntry SegmentWriter::add(std::string_view chunk) {
  SegmentEntry e{data_.size(), chunk.size(), crc32c(chunk)};
  data_.append(chunk);
  entries_.push_back(e);
  return e;
}

std::string SegmentWriter::finish() {
  std::string trailer;
  trailer.reserve(entries_.size() * kSegmentEntrySize + kSegmentTailSize);
  for (const auto& e : entries_) {
    put_fixed64(trailer, e.offset);
    put_fixed64(trailer, e.length);
    put_fixed32(trailer, e.crc);
  }
  put_fixed32(trailer, static_cast<uint32_t>(entries_.size()));
  put_fixed32(trailer, crc32c(trailer));
  trailer.append(kSegmentEndMagic);
  data_ += trailer;
  entries_.clear();
  return std::move(data_);
}

bool looks_like_segment(std::string_view bytes) { return bytes.substr(0, kSegmentMagic.size()) == kSegmentMagic; }

util::Result<SegmentReader> SegmentReader::open(std::string_view bytes, std::shared_ptr<const void> owner) {
  const size_t size = bytes.size();
  if (size < kSegmentPreambleSize + kSegmentTailSize)
    return corrupt("only " + std::to_string(size) + " bytes, shorter than the smallest segment");
  if (!looks_like_segment(bytes)) return corrupt("bad magic (not a segment)");
  auto version = static_cast<uint8_t>(bytes[8]);
  if (version != kSegmentVersion) return util::corruption("unsupported segment format version " + std::to_string(version));
  if (bytes[9] != 0 || bytes[10] != 0 || bytes[11] != 0) return corrupt("reserved preamble bytes are not zero");
  std::string_view tail = bytes.substr(size - kSegmentTailSize);
  if (tail.substr(8) != kSegmentEndMagic) return corrupt("bad end magic (truncated segment?)");
  const uint64_t count = get_fixed32(tail.data());
  const uint64_t max_count = (size - kSegmentPreambleSize - kSegmentTailSize) / kSegmentEntrySize;
  if (count > max_count) return corrupt("chunk count " + std::to_string(count) + " larger than the segment");
  const size_t entries_at = size - kSegmentTailSize - count * kSegmentEntrySize;
  std::string_view covered = bytes.substr(entries_at, count * kSegmentEntrySize + 4);
  if (!checksum_matches(crc32c(covered), get_fixed32(tail.data() + 4))) return corrupt("trailer checksum mismatch");
  SegmentReader r;
  r.bytes_ = bytes;
  r.owner_ = std::move(owner);
  r.entries_.reserve(count);
  uint64_t next = kSegmentPreambleSize;
  for (uint64_t i = 0; i < count; ++i) {
    const char* p = bytes.data() + entries_at + i * kSegmentEntrySize;
    SegmentEntry e{get_fixed64(p), get_fixed64(p + 8), get_fixed32(p + 16)};
    // Chunks are back to back, in order, between the preamble and the trailer.
    if (e.offset != next || e.length == 0 || e.length > entries_at - e.offset)
      return corrupt("chunk " + std::to_string(i) + " out of bounds");
    next = e.offset + e.length;
    r.entries_.push_back(e);
  }
  if (next != entries_at) return corrupt("chunks do not end where the trailer starts");
  return r;
}

util::Result<SegmentReader> SegmentReader::open_file(const std::string& path) {
  auto f = fsutil::MappedFile::open(path);
  if (!f.ok()) return f.status_error();
  auto file = std::make_shared<const fsutil::MappedFile>(std::move(*f));
  std::string_view bytes = file->data();
  auto r = open(bytes, std::move(file));
  if (!r.ok()) return util::Error{path + ": " + r.error(), r.code()};
  return r;
}

util::Status SegmentReader::check(size_t i) const {
  if (!checksum_matches(crc32c(chunk_bytes(i)), entries_[i].crc))
    return corrupt("chunk " + std::to_string(i) + " at offset " + std::to_string(entries_[i].offset) +
                   ": CRC32C mismatch");
  return {};
}

}  // namespace chunk
