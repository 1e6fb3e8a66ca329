#include "util/substring_finder.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace util {

namespace {

// How rare a byte is in typical log text (higher: rarer). A fixed guess, as grep and ripgrep
// make one: spaces and common lowercase letters are everywhere, punctuation much less so.
int rarity(unsigned char c) {
  if (c == ' ') return 0;
  if (std::strchr("etaoinsrhlcdu", c) != nullptr && c != 0) return 1;
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return 2;
  if (c != 0 && std::strchr("=\":./-_,", c) != nullptr) return 2;
  if (c >= 'A' && c <= 'Z') return 3;
  if (c == '\t') return 3;
  if (c >= 0x80) return 5;
  if (c < 0x20 || c == 0x7f) return 6;
  return 4;  // other ASCII punctuation
}

bool is_lower_letter(unsigned char c) { return c >= 'a' && c <= 'z'; }
unsigned char ascii_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// What the search loops need, copied out of the finder so that they can be free functions with
// their own instruction-set targets.
struct Plan {
  const char* needle;
  size_t n;
  size_t p1, p2;       // probe offsets
  unsigned char b1, b2;  // probe bytes (lowercase when folding)
  unsigned char m1, m2;  // OR masks: 0x20 for a letter probe when folding (maps A-Z onto a-z)
  bool fold;
};

bool verify(const Plan& pl, const char* at) {
  if (!pl.fold) return std::memcmp(at, pl.needle, pl.n) == 0;
  for (size_t i = 0; i < pl.n; ++i)
    if (ascii_lower(static_cast<unsigned char>(at[i])) != static_cast<unsigned char>(pl.needle[i])) return false;
  return true;
}

// Positions from..len-n, one at a time: tails of the vector loops, and the portable path.
size_t find_from(const Plan& pl, const char* h, size_t len, size_t from) {
  if (len < pl.n) return SubstringFinder::npos;
  const size_t last = len - pl.n;
  if (!pl.fold) {
    // memchr on the rarer probe byte carries the portable path.
    for (size_t i = from; i <= last;) {
      const void* hit = std::memchr(h + i + pl.p1, pl.b1, last - i + 1);
      if (!hit) return SubstringFinder::npos;
      size_t at = static_cast<size_t>(static_cast<const char*>(hit) - h) - pl.p1;
      if (static_cast<unsigned char>(h[at + pl.p2]) == pl.b2 && verify(pl, h + at)) return at;
      i = at + 1;
    }
    return SubstringFinder::npos;
  }
  for (size_t i = from; i <= last; ++i) {
    if ((static_cast<unsigned char>(h[i + pl.p1]) | pl.m1) == pl.b1 &&
        (static_cast<unsigned char>(h[i + pl.p2]) | pl.m2) == pl.b2 && verify(pl, h + i))
      return i;
  }
  return SubstringFinder::npos;
}

#if defined(__x86_64__)

__attribute__((target("avx2"))) size_t find_avx2(const Plan& pl, const char* h, size_t len) {
  size_t i = 0;
  if (len >= pl.n + 31) {
    const __m256i b1 = _mm256_set1_epi8(static_cast<char>(pl.b1)), b2 = _mm256_set1_epi8(static_cast<char>(pl.b2));
    const __m256i m1 = _mm256_set1_epi8(static_cast<char>(pl.m1)), m2 = _mm256_set1_epi8(static_cast<char>(pl.m2));
    // Candidates i..i+31 are whole-needle verifiable, and both loads stay inside the haystack.
    const size_t last = len - pl.n - 31;
    for (; i <= last; i += 32) {
      __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i + pl.p1));
      __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i + pl.p2));
      __m256i eq = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(v1, m1), b1),
                                    _mm256_cmpeq_epi8(_mm256_or_si256(v2, m2), b2));
      uint32_t mask = static_cast<uint32_t>(_mm256_movemask_epi8(eq));
      while (mask != 0) {
        size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
        if (verify(pl, h + at)) return at;
        mask &= mask - 1;
      }
    }
  }
  return find_from(pl, h, len, i);
}

size_t find_sse2(const Plan& pl, const char* h, size_t len) {
  size_t i = 0;
  if (len >= pl.n + 15) {
    const __m128i b1 = _mm_set1_epi8(static_cast<char>(pl.b1)), b2 = _mm_set1_epi8(static_cast<char>(pl.b2));
    const __m128i m1 = _mm_set1_epi8(static_cast<char>(pl.m1)), m2 = _mm_set1_epi8(static_cast<char>(pl.m2));
    const size_t last = len - pl.n - 15;
    for (; i <= last; i += 16) {
      __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + pl.p1));
      __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + pl.p2));
      __m128i eq = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(v1, m1), b1), _mm_cmpeq_epi8(_mm_or_si128(v2, m2), b2));
      uint32_t mask = static_cast<uint32_t>(_mm_movemask_epi8(eq));
      while (mask != 0) {
        size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
        if (verify(pl, h + at)) return at;
        mask &= mask - 1;
      }
    }
  }
  return find_from(pl, h, len, i);
}

__attribute__((target("avx2,popcnt"))) size_t count_avx2(const char* s, size_t len, char c) {
  const __m256i v = _mm256_set1_epi8(c);
  size_t n = 0, i = 0;
  for (; i + 32 <= len; i += 32) {
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
    n += static_cast<size_t>(__builtin_popcount(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, v)))));
  }
  for (; i < len; ++i) n += s[i] == c;
  return n;
}

bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

#endif

}  // namespace

SubstringFinder::SubstringFinder(std::string_view needle, bool ascii_case_insensitive, Isa isa)
    : needle_(needle), fold_(ascii_case_insensitive) {
  if (fold_)
    for (char& c : needle_) c = static_cast<char>(ascii_lower(static_cast<unsigned char>(c)));
  // The rarest byte, then the rarest at another offset, preferring one far from the first so a
  // common prefix or suffix of many lines does not pass both probes.
  const size_t n = needle_.size();
  auto rank = [&](size_t i) { return rarity(static_cast<unsigned char>(needle_[i])); };
  for (size_t i = 1; i < n; ++i)
    if (rank(i) > rank(probe1_)) probe1_ = i;
  probe2_ = probe1_;
  bool have2 = false;
  for (size_t i = 0; i < n; ++i) {
    if (i == probe1_) continue;
    auto dist = [&](size_t k) { return k > probe1_ ? k - probe1_ : probe1_ - k; };
    if (!have2 || rank(i) > rank(probe2_) || (rank(i) == rank(probe2_) && dist(i) > dist(probe2_))) {
      probe2_ = i;
      have2 = true;
    }
  }
#if defined(__x86_64__)
  isa_ = isa == Isa::Best && have_avx2() ? Isa::Best : isa == Isa::Portable ? Isa::Portable : Isa::Sse2;
#else
  (void)isa;
#endif
}

size_t SubstringFinder::find(std::string_view haystack) const {
  const size_t n = needle_.size();
  if (n == 0) return 0;
  if (haystack.size() < n) return npos;
  const auto b1 = static_cast<unsigned char>(needle_[probe1_]), b2 = static_cast<unsigned char>(needle_[probe2_]);
  if (n == 1 && !(fold_ && is_lower_letter(b1))) {
    const void* hit = std::memchr(haystack.data(), b1, haystack.size());
    return hit ? static_cast<size_t>(static_cast<const char*>(hit) - haystack.data()) : npos;
  }
  Plan pl{needle_.data(), n, probe1_, probe2_, b1, b2,
          static_cast<unsigned char>(fold_ && is_lower_letter(b1) ? 0x20 : 0),
          static_cast<unsigned char>(fold_ && is_lower_letter(b2) ? 0x20 : 0), fold_};
#if defined(__x86_64__)
  if (isa_ == Isa::Best) return find_avx2(pl, haystack.data(), haystack.size());
  if (isa_ == Isa::Sse2) return find_sse2(pl, haystack.data(), haystack.size());
#endif
  return find_from(pl, haystack.data(), haystack.size(), 0);
}

size_t count_byte(std::string_view s, char c) {
#if defined(__x86_64__)
  if (have_avx2()) return count_avx2(s.data(), s.size(), c);
#endif
  size_t n = 0;
  for (char x : s) n += x == c;
  return n;
}

}  // namespace util
