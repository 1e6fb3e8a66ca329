// libFuzzer target: any query text must parse or give a clean error, and a parsed query must
// print and parse back to the same text; never a crash, hang or sanitizer report (queries come
// from HTTP clients).
// Build: make fuzz; run: build/fuzz/logql_parse_fuzzer -max_total_time=120 [corpus-dir]
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "logql/parser.h"
#include "logql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto expr = logql::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!expr.ok()) return 0;
  std::string printed = logql::print(*expr);
  // Constant folding can make NaN or +Inf (`0/0`), which Loki prints the same way and cannot
  // read back either: only finite results must round-trip.
  if (printed.find("NaN") != std::string::npos || printed.find("Inf") != std::string::npos) return 0;
  auto again = logql::parse(printed);
  if (!again.ok() || logql::print(*again) != printed) std::abort();  // printing must round-trip
  (void)logql::prettify(*expr);
  return 0;
}
