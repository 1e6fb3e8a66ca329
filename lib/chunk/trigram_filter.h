// TrigramFilter: a small bitmap of the 3-byte substrings a chunk block's lines contain, stored in
// the block index (docs/chunk-format.md, version 2), so a `|= "literal"` query skips blocks that
// cannot hold the literal without reading, checking or decompressing them.
//
// Each trigram sets one bit, chosen by a multiplicative hash; the bitmap is sized to the block's
// distinct trigrams (kFilterBitsPerTrigram bits each, rounded up to a power of two), which keeps a
// filter near 1 KiB per 256 KiB block of typical log text. A literal may be in the block only if
// every one of its trigrams' bits is set: no false negatives, some false positives.
// Literals shorter than 3 bytes, empty filters and filters of a kind this reader does not know
// answer "may contain".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace chunk {

inline constexpr uint8_t kFilterKindTrigramBitmap = 1;  // first byte of a filter
inline constexpr size_t kMinFilterBitmapBytes = 8;
inline constexpr size_t kMaxFilterBitmapBytes = 8192;  // 2^16 bits: the hash's range
// Bits per distinct trigram: one hash, so about 55% of the bits end up set; a literal of n
// trigrams the block lacks then passes with probability about 0.55^n.
inline constexpr double kFilterBitsPerTrigram = 1.25;
// A filter with more of its bits set than this would let nearly everything through: not stored.
inline constexpr double kFilterMaxFill = 0.85;

// Collects the trigrams of a block's text; reused from block to block. Not thread-safe.
class TrigramFilterBuilder {
 public:
  TrigramFilterBuilder();
  // Adds every trigram of `text` (a whole lines section may be added at once: trigrams spanning
  // two lines only add bits, never remove them).
  void add(std::string_view text);
  // Writes the filter (kind byte, then the bitmap) to `out`, replacing its contents; leaves `out`
  // empty when a filter would not help. Resets the builder.
  void finish_into(std::string& out);

 private:
  // One byte per bit of the full bitmap: setting a byte is a plain store, where setting a bit is
  // a read-modify-write that waits for the previous one to the same word. Packed into bits by
  // finish_into().
  uint8_t seen_[kMaxFilterBitmapBytes * 8];
  // A block of a few lines (a flush of many small streams cuts 100k of them) has few distinct
  // trigrams: their hashes are kept too, so finishing and resetting touch those flags only
  // instead of the whole 64 KiB of them (which dominated such a flush).
  static constexpr size_t kSparseHashes = 512;
  uint16_t hashes_[kSparseHashes];
  size_t hash_count_ = 0;  // > kSparseHashes: too many to keep, every flag is packed
  bool any_ = false;
};

// Checks a stored filter's shape (empty, a known kind with a valid bitmap size, or an unknown
// kind, which is accepted and never used).
util::Status validate_trigram_filter(std::string_view filter);

// False only if the filter proves `literal` occurs nowhere in the block's lines.
bool filter_may_contain(std::string_view filter, std::string_view literal);

}  // namespace chunk
