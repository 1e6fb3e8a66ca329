// libFuzzer target: any byte string as a JSON push body must decode or give a clean error;
// never a crash, hang or sanitizer report (logd decodes untrusted bodies).
// Build: make fuzz; run: build/fuzz/push_json_fuzzer -max_total_time=120 [corpus-dir]
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "push/json_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = push::decode_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r.ok()) (void)push::entry_count(*r);
  return 0;
}
