// Replay: reads the WAL directory back at startup. The newest complete checkpoint comes first,
// then every segment numbered at or above it, in order. A torn tail of the last segment (what a
// crash mid-append leaves) is truncated away and replay succeeds; any other damage is an error
// naming the file and offset, because silently skipping it would lose acknowledged data.
// Leftover temporary files and files superseded by the checkpoint are removed.
//
// Not thread-safe with a WalWriter on the same directory: replay first, then open the writer
// at `next_segment`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.h"
#include "wal/record.h"

namespace wal {

struct ReplayResult {
  uint64_t records = 0;          // push-batch records delivered
  uint64_t checkpoint = 0;       // number of the checkpoint read, 0 if none
  uint64_t segments = 0;         // segment files read
  uint64_t next_segment = 1;     // where the writer should continue
  bool truncated_tail = false;   // a torn last record was cut off
  std::string truncation;        // which file, offset and why, when truncated_tail
};

// Calls `on_batch` with every push-batch payload (decode it with decode_push_batch). An error
// from the callback stops replay and is returned with the file and offset.
using BatchCallback = std::function<util::Status(std::string_view payload)>;
util::Result<ReplayResult> replay(const std::string& dir, const BatchCallback& on_batch);

}  // namespace wal
