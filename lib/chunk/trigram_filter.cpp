#include "chunk/trigram_filter.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace chunk {
namespace {

constexpr size_t kFullBits = kMaxFilterBitmapBytes * 8;

// 16 bits from the top of a 64-bit multiplicative hash of the 24-bit trigram: every byte of the
// trigram reaches every output bit, and the low bits of the result (all a smaller bitmap keeps)
// are as well mixed as the high ones.
inline uint32_t trigram_hash(uint32_t trigram) {
  return static_cast<uint32_t>((static_cast<uint64_t>(trigram) * 0x9E3779B97F4A7C15ULL) >> 48);
}

}  // namespace

TrigramFilterBuilder::TrigramFilterBuilder() { std::memset(seen_, 0, sizeof seen_); }

void TrigramFilterBuilder::add(std::string_view text) {
  if (text.size() < 3) return;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  auto set = [&](uint32_t trigram) {
    const uint32_t h = trigram_hash(trigram);
    // While few, each newly seen hash is kept too (so they are distinct); past kSparseHashes the
    // count stops one past it ("overflowed") and this branch, predictably, is never taken again.
    if (hash_count_ <= kSparseHashes && !seen_[h]) {
      if (hash_count_ < kSparseHashes) hashes_[hash_count_] = static_cast<uint16_t>(h);
      ++hash_count_;
    }
    seen_[h] = 1;
  };
  // Six trigrams per 8-byte load (the trigram starting at byte i is bytes i, i+1, i+2, the first
  // the most significant): independent of each other, unlike a rolling window that makes each
  // trigram wait for the previous one. The filter is the same bit for bit.
  size_t i = 0;
  for (; i + 8 <= n; i += 6) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    set(static_cast<uint32_t>(w >> 40) & 0xFFFFFF);
    set(static_cast<uint32_t>(w >> 32) & 0xFFFFFF);
    set(static_cast<uint32_t>(w >> 24) & 0xFFFFFF);
    set(static_cast<uint32_t>(w >> 16) & 0xFFFFFF);
    set(static_cast<uint32_t>(w >> 8) & 0xFFFFFF);
    set(static_cast<uint32_t>(w) & 0xFFFFFF);
  }
  for (; i + 3 <= n; ++i) set((uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2]);
  any_ = true;
}

void TrigramFilterBuilder::finish_into(std::string& out) {
  out.clear();
  if (!any_) return;
  const bool sparse = hash_count_ <= kSparseHashes;
  uint64_t full[kFullBits / 64];
  for (size_t w = 0; !sparse && w < kFullBits / 64; ++w) {
    uint64_t v = 0;
    for (size_t byte = 0; byte < 8; ++byte) {
      // Eight 0/1 flags to eight bits, flag k to bit k: the multiplier moves byte k's low bit to
      // bit 56 + k, and no two partial products overlap, so nothing carries.
      uint64_t flags;
      std::memcpy(&flags, seen_ + w * 64 + byte * 8, 8);
      if constexpr (std::endian::native == std::endian::big) flags = __builtin_bswap64(flags);
      v |= ((flags * 0x0102040810204080ULL) >> 56) << (byte * 8);
    }
    full[w] = v;
  }
  size_t set = 0;
  if (sparse) {
    set = hash_count_;  // one hash per flag set
  } else {
    for (uint64_t w : full) set += static_cast<size_t>(std::popcount(w));
  }
  // Linear counting: the distinct trigrams that set `set` of kFullBits bits, collisions included.
  double fill = static_cast<double>(set) / kFullBits;
  double distinct = fill >= 1.0 ? static_cast<double>(kFullBits) * 8 : -static_cast<double>(kFullBits) * std::log1p(-fill);
  size_t bits = kMinFilterBitmapBytes * 8;
  while (bits < kFullBits && static_cast<double>(bits) < distinct * kFilterBitsPerTrigram) bits *= 2;
  // Folding keeps the low bits of each hash: bit i of the small bitmap is the OR of bits
  // i, i + bits, i + 2 * bits, ... of the full one.
  const size_t words = bits / 64;
  uint64_t folded[kMaxFilterBitmapBytes / 8];
  if (sparse) {
    // The same result from the hashes: full bit h lands on bit h mod `bits`.
    std::memset(folded, 0, words * 8);
    for (size_t i = 0; i < hash_count_; ++i) {
      const uint32_t h = hashes_[i];
      const uint32_t f = h & static_cast<uint32_t>(bits - 1);
      folded[f >> 6] |= uint64_t{1} << (f & 63);
      seen_[h] = 0;  // the reset, flag by flag
    }
  } else {
    std::memcpy(folded, full, words * 8);
    for (size_t w = words; w < kFullBits / 64; ++w) folded[w % words] |= full[w];
    std::memset(seen_, 0, sizeof seen_);
  }
  size_t folded_set = 0;
  for (size_t w = 0; w < words; ++w) folded_set += static_cast<size_t>(std::popcount(folded[w]));
  hash_count_ = 0;
  any_ = false;
  if (static_cast<double>(folded_set) > kFilterMaxFill * static_cast<double>(bits)) return;
  out.resize(1 + words * 8);
  out[0] = static_cast<char>(kFilterKindTrigramBitmap);
  // Little-endian words, as every integer of the format.
  for (size_t w = 0; w < words; ++w)
    for (int b = 0; b < 8; ++b) out[1 + w * 8 + b] = static_cast<char>(folded[w] >> (8 * b));
}

util::Status validate_trigram_filter(std::string_view filter) {
  if (filter.empty() || static_cast<uint8_t>(filter[0]) != kFilterKindTrigramBitmap) return {};
  size_t bytes = filter.size() - 1;
  if (bytes < kMinFilterBitmapBytes || bytes > kMaxFilterBitmapBytes || !std::has_single_bit(bytes))
    return util::corruption("trigram filter of " + std::to_string(bytes) + " bytes (want a power of two, " +
                            std::to_string(kMinFilterBitmapBytes) + " to " + std::to_string(kMaxFilterBitmapBytes) + ")");
  return {};
}

bool filter_may_contain(std::string_view filter, std::string_view literal) {
  if (literal.size() < 3 || filter.empty() || static_cast<uint8_t>(filter[0]) != kFilterKindTrigramBitmap) return true;
  const auto* bitmap = reinterpret_cast<const unsigned char*>(filter.data() + 1);
  const uint32_t mask = static_cast<uint32_t>((filter.size() - 1) * 8 - 1);  // validated: a power of two
  const auto* p = reinterpret_cast<const unsigned char*>(literal.data());
  uint32_t t = (uint32_t{p[0]} << 8) | p[1];
  for (size_t i = 2; i < literal.size(); ++i) {
    t = ((t << 8) | p[i]) & 0xFFFFFF;
    uint32_t bit = trigram_hash(t) & mask;
    if (!(bitmap[bit >> 3] & (1u << (bit & 7)))) return false;
  }
  return true;
}

}  // namespace chunk
