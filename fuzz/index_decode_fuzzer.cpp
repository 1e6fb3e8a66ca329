// libFuzzer target: any byte string given to the index reader must yield either a valid index
// that answers queries or a clean error; never a crash, hang or sanitizer report.
// Build: make fuzz; run: build/fuzz/index_decode_fuzzer -max_total_time=120 [corpus-dir]
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "index/index_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto r = idx::IndexReader::open_bytes(bytes);
  if (!r.ok()) return 0;
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  for (const auto& name : r->label_names()) {
    auto values = r->label_values(name);
    if (values.empty()) continue;
    (void)r->chunk_refs({{name, idx::MatchType::kEqual, values.front()}}, kMin, kMax);
    (void)r->chunk_refs({{name, idx::MatchType::kNotRegex, "a.*"}}, 0, kMax);
  }
  (void)r->chunk_refs({}, kMin, kMax);
  return 0;
}
