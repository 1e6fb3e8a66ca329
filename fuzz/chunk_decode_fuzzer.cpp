// libFuzzer target: any byte string given to the chunk reader must yield either a valid chunk
// or a clean error; never a crash, hang, sanitizer report or unbounded allocation.
// Build: make fuzz; run: build/fuzz/chunk_decode_fuzzer -max_total_time=120 [corpus-dir]
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "chunk/chunk_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto r = chunk::ChunkReader::open(bytes);
  if (!r.ok()) return 0;
  (void)r->verify();
  // Exercise both iteration directions over a range that starts and ends inside the chunk.
  const auto& h = r->header();
  int64_t mid = h.min_time + (h.max_time - h.min_time) / 2;
  size_t n = 0;
  for (auto dir : {chunk::Direction::kForward, chunk::Direction::kBackward}) {
    auto it = r->entries(std::numeric_limits<int64_t>::min(), mid, dir);
    while (it.next()) n += it.line().size() + it.metadata_size();
    auto it2 = r->entries(mid, std::numeric_limits<int64_t>::max(), dir);
    while (it2.next()) n += it2.line().size();
  }
  return static_cast<int>(n & 0);
}
