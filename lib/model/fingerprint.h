// Stable 64-bit fingerprints of label sets: the same pairs give the same value in every process
// and on every machine, because the index persists them. Eight bytes at a time (FNV-style
// byte-at-a-time hashing showed up in profiles of label-heavy queries).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace model {

// Hash of one byte string, mixing its length so that pair boundaries cannot be shifted.
inline uint64_t hash_bytes(std::string_view s, uint64_t seed) {
  constexpr uint64_t k1 = 0x9e3779b97f4a7c15ull, k2 = 0xc2b2ae3d27d4eb4full;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  uint64_t h = seed ^ (s.size() * k1);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    h ^= rotl(w * k2, 31) * k1;
    h = rotl(h, 27) * k1 + k2;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; ++i) tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  h ^= rotl(tail * k2, 31) * k1;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

// Fingerprint of sorted, unique pairs, added in order.
class Fingerprinter {
 public:
  void add(std::string_view name, std::string_view value) {
    h_ = (h_ ^ hash_bytes(name, 0x243f6a8885a308d3ull)) * 0x100000001b3ull;
    h_ = (h_ ^ hash_bytes(value, 0x13198a2e03707344ull)) * 0x100000001b3ull;
  }
  uint64_t finish() const {
    uint64_t h = h_;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
  }

 private:
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace model
