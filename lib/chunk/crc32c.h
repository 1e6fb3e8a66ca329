// CRC32C (Castagnoli), the checksum of chunk blocks and index sections.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time) and a
// slicing-by-8 table otherwise; both give identical results. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chunk {

// Extends `crc` (0 to start) over `n` bytes. crc32c("123456789") == 0xE3069283.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);
inline uint32_t crc32c(std::string_view s) { return crc32c_extend(0, s.data(), s.size()); }

// Compares a computed checksum with a stored one. Fuzzing builds (which define
// FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, as OSS-Fuzz does) accept any stored value, so the
// fuzzer can reach the decoders behind the checksums instead of stopping at them.
inline bool checksum_matches(uint32_t computed, uint32_t stored) {
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  (void)computed;
  (void)stored;
  return true;
#else
  return computed == stored;
#endif
}

// Whether the hardware path is in use (for benchmarks and tests).
bool crc32c_hardware_accelerated();

// The portable path, exposed so tests can check it against the hardware one.
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, size_t n);

}  // namespace chunk
