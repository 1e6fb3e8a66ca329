// Constants and plain structs of the index file format (docs/index-format.md is the byte-level
// reference). One index file covers one tenant and one period (a UTC day) as of one flush; it is
// immutable once written, and several may exist per period (see IndexSet).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "model/time.h"

namespace idx {

inline constexpr std::string_view kIndexMagic = "LOGDINDX";
inline constexpr std::string_view kIndexEndMagic = "LOGDIEND";
// Version 2 adds each chunk ref's byte range inside a segment object; a writer uses it only for
// files with such a ref, so stores without segments stay readable by older readers.
inline constexpr uint8_t kIndexVersion = 2;
inline constexpr uint8_t kIndexVersionPlainRefs = 1;
inline constexpr size_t kIndexPreambleSize = 12;  // magic, version, 3 reserved bytes
inline constexpr size_t kSectionCount = 5;        // symbols, series, series offsets, postings, label index
// Trailer: per section u64 offset, u64 length, u32 CRC32C; then u32 series count, u32 symbol
// count, u32 CRC32C of the trailer so far, end magic.
inline constexpr size_t kIndexTrailerSize = kSectionCount * 20 + 12 + 8;

// The period (UTC day number since the epoch) a timestamp falls in, and its bounds.
inline int64_t period_of(int64_t ts) {
  return ts >= 0 ? ts / model::kNanosPerDay : -((-(ts + 1)) / model::kNanosPerDay) - 1;
}
inline int64_t period_start(int64_t period) { return period * model::kNanosPerDay; }

// Where one chunk of a series is, and what it covers.
struct ChunkRef {
  std::string file;      // chunk or segment object, relative to the tenant's chunk directory
  int64_t min_time = 0;  // inclusive
  int64_t max_time = 0;  // inclusive
  uint32_t entries = 0;
  uint64_t bytes = 0;  // raw line bytes (Loki's stats "bytes")
  // A chunk packed in a segment object (chunk/segment.h): its byte range there. length 0: the
  // chunk is the whole object `file`.
  uint64_t offset = 0;
  uint64_t length = 0;

  bool overlaps(int64_t start, int64_t end) const { return min_time < end && max_time >= start; }
  bool in_segment() const { return length != 0; }
  // Names this chunk among all of a tenant's: `file`, or `file@offset+length` inside a segment.
  std::string id() const {
    if (!in_segment()) return file;
    return file + "@" + std::to_string(offset) + "+" + std::to_string(length);
  }
  bool operator==(const ChunkRef&) const = default;
  auto operator<=>(const ChunkRef& o) const = default;
};

struct SeriesChunks {
  model::LabelSet labels;
  uint64_t fingerprint = 0;
  std::vector<ChunkRef> chunks;  // sorted by (min_time, max_time, file)
  bool operator==(const SeriesChunks&) const = default;
};

// A chunk id (ChunkRef::id) taken apart: the object, and the byte range inside it (length 0: all).
struct ChunkLocation {
  std::string file;
  uint64_t offset = 0;
  uint64_t length = 0;
};
std::optional<ChunkLocation> parse_chunk_id(std::string_view id);

}  // namespace idx
