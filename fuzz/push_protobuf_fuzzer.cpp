// libFuzzer target: any byte string as a protobuf push body, raw or snappy-framed, must decode or
// give a clean error; never a crash, hang or sanitizer report.
// Build: make fuzz; run: build/fuzz/push_protobuf_fuzzer -max_total_time=120 [corpus-dir]
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "push/protobuf_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto r = push::decode_protobuf(bytes); r.ok()) (void)push::entry_count(*r);
  if (auto r = push::decode_protobuf_snappy(bytes, push::ProtobufLimits{1 << 20}); r.ok()) (void)push::line_bytes(*r);
  return 0;
}
