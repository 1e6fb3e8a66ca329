// Constants and plain structs of the chunk file format (docs/chunk-format.md is the byte-level
// reference). A chunk holds the entries of one stream of one tenant, in non-decreasing time
// order, split into independently compressed blocks so a reader can skip blocks by time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/labels.h"

namespace chunk {

inline constexpr std::string_view kChunkMagic = "LOGDCHNK";    // first 8 bytes of every chunk
inline constexpr std::string_view kChunkEndMagic = "LOGDCEND";  // last 8 bytes
// Version 1: blocks and block index. Version 2 adds a trigram filter to each block's index entry
// (chunk/trigram_filter.h); readers read both, writers write 2 unless filters are turned off.
inline constexpr uint8_t kChunkVersion1 = 1;
inline constexpr uint8_t kChunkVersionFiltered = 2;
inline constexpr uint8_t kCompressionZstd = 1;

// Fixed part before the variable-length header: magic, version, compression, 2 reserved bytes,
// u32 header length.
inline constexpr size_t kPreambleSize = 16;
// Fixed trailer: u64 footer offset, u32 footer length, u32 footer CRC32C, end magic.
inline constexpr size_t kTrailerSize = 24;

// Decoder limits. They bound what a hostile length field can make us allocate or loop over;
// the writer enforces the same limits so every chunk it writes can be read back.
inline constexpr size_t kMaxHeaderBytes = 1 << 20;               // tenant + labels
inline constexpr size_t kMaxBlockUncompressedBytes = 64u << 20;  // one block, decompressed
inline constexpr size_t kMaxBlocksPerChunk = 1 << 20;
// Bounds the decoder's per-entry index (24 bytes each) whatever the payload compresses from.
inline constexpr size_t kMaxEntriesPerBlock = 1 << 20;
inline constexpr size_t kMaxTenantBytes = 1024;

// What a chunk says about itself: identity from the header, totals from the footer.
struct ChunkHeader {
  uint8_t version = kChunkVersionFiltered;
  std::string tenant;
  model::LabelSet labels;
  int64_t min_time = 0;  // nanoseconds, inclusive: the first entry's timestamp
  int64_t max_time = 0;  // nanoseconds, inclusive: the last entry's timestamp
  uint64_t entries = 0;
  uint64_t uncompressed_bytes = 0;  // sum of the blocks' decompressed payload sizes
};

// One block as the footer (block index) describes it.
struct BlockMeta {
  uint64_t offset = 0;  // of the compressed bytes, from the start of the chunk
  uint32_t compressed_size = 0;
  uint32_t uncompressed_size = 0;
  int64_t min_time = 0;  // inclusive, first entry
  int64_t max_time = 0;  // inclusive, last entry
  uint32_t entries = 0;
  uint32_t crc32c = 0;  // of the compressed bytes, so verify() needs no decompression
  // The block's trigram filter (chunk/trigram_filter.h), pointing into the chunk's bytes; empty
  // for version 1 chunks and blocks written without one.
  std::string_view filter;

  bool overlaps(int64_t start, int64_t end) const { return min_time < end && max_time >= start; }
};

}  // namespace chunk
