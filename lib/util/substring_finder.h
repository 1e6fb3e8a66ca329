// SubstringFinder: finds one fixed byte string in large buffers, at a speed that does not depend
// on the C library. glibc's memmem (a two-way search behind a first-byte scan) ran at a third of
// `grep -F`'s speed on some x86-64 machines; this compares two chosen bytes of the needle with 32
// (AVX2) or 16 (SSE2) haystack positions at once and verifies the whole needle only where both
// agree. The two bytes are the needle's rarest by a fixed ranking of how often bytes appear in
// log text, so candidates are few. Other CPUs (arm64) use memchr on the rarest byte, then memcmp.
//
// Optionally ASCII case-insensitive (for regex prefilters, whose literals are lowercased): bytes
// A-Z and a-z then compare equal; every other byte, non-ASCII included, compares exactly.
//
// Immutable after construction; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace util {

class SubstringFinder {
 public:
  static constexpr size_t npos = std::string_view::npos;

  // Which loop runs: the best this CPU has, or (tests, comparisons) a narrower one.
  enum class Isa { Best, Sse2, Portable };

  explicit SubstringFinder(std::string_view needle, bool ascii_case_insensitive = false, Isa isa = Isa::Best);

  // Offset of the first occurrence of the needle in `haystack`, or npos. An empty needle is found
  // at 0.
  size_t find(std::string_view haystack) const;
  bool contains(std::string_view haystack) const { return find(haystack) != npos; }

  // The needle as searched for (lowercased when case-insensitive).
  const std::string& needle() const { return needle_; }
  bool case_insensitive() const { return fold_; }

 private:
  std::string needle_;
  bool fold_ = false;
  size_t probe1_ = 0, probe2_ = 0;  // offsets in the needle of the two compared bytes
  Isa isa_ = Isa::Portable;  // resolved: Best becomes what the CPU supports
};

// Number of bytes equal to `c` in `s` (newline counting over whole inputs).
size_t count_byte(std::string_view s, char c);

}  // namespace util
