// Segment objects (docs/chunk-format.md, "Segment objects"): many small chunks of one tenant
// packed back to back into one object, so that a flush of many streams writes a few objects
// instead of one per stream. A segment is self-describing: a trailer lists every chunk's offset,
// length and CRC32C, so `logidx rebuild` and `logchunk` can read it without an index, and each
// chunk inside keeps its own format and checks (a chunk is readable from its byte range alone).
//
// Pure functions and a value type over borrowed bytes; thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace chunk {

inline constexpr std::string_view kSegmentMagic = "LOGDSEGM";
inline constexpr std::string_view kSegmentEndMagic = "LOGDSEND";
inline constexpr uint8_t kSegmentVersion = 1;
inline constexpr size_t kSegmentPreambleSize = 12;  // magic, version, 3 reserved bytes
inline constexpr size_t kSegmentEntrySize = 20;      // u64 offset, u64 length, u32 CRC32C
inline constexpr size_t kSegmentTailSize = 16;       // u32 count, u32 CRC32C of the entries and count, end magic

// Where one chunk sits in its segment.
struct SegmentEntry {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint32_t crc = 0;  // CRC32C of the chunk's bytes
  bool operator==(const SegmentEntry&) const = default;
};

// Builds a segment in memory. Chunks are appended whole (finished chunk files).
class SegmentWriter {
 public:
  SegmentWriter();
  // Appends `chunk`; returns where it lands.
  SegmentEntry add(std::string_view chunk);
  size_t chunk_count() const { return entries_.size(); }
  size_t size() const { return data_.size(); }  // bytes so far, without the trailer
  // The segment's bytes; the writer is spent afterwards.
  std::string finish();

 private:
  std::string data_;
  std::vector<SegmentEntry> entries_;
};

// Whether `bytes` starts like a segment (the magic), to tell segments from chunks.
bool looks_like_segment(std::string_view bytes);

class SegmentReader {
 public:
  // Checks the preamble and trailer (magic, version, trailer CRC, every entry inside the data,
  // in order, not overlapping); kCorruption otherwise. Borrows `bytes`; `owner` (may be null)
  // keeps them alive as long as the reader.
  static util::Result<SegmentReader> open(std::string_view bytes, std::shared_ptr<const void> owner = nullptr);
  static util::Result<SegmentReader> open_file(const std::string& path);

  const std::vector<SegmentEntry>& entries() const { return entries_; }
  // The bytes of chunk `i` (not checked against its CRC32C: see check()).
  std::string_view chunk_bytes(size_t i) const { return bytes_.substr(entries_[i].offset, entries_[i].length); }
  // Chunk `i`'s bytes against the CRC32C the trailer lists.
  util::Status check(size_t i) const;
  std::string_view bytes() const { return bytes_; }
  const std::shared_ptr<const void>& owner() const { return owner_; }

 private:
  std::string_view bytes_;
  std::shared_ptr<const void> owner_;
  std::vector<SegmentEntry> entries_;
};

}  // namespace chunk
