// The WAL directory: naming and listing of segment files (00000001.wal, ...) and checkpoints
// (checkpoint.00000005: a snapshot of everything written to segments before 00000005.wal).
// Pure functions over a directory; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace wal {

std::string segment_name(uint64_t n);     // "00000001.wal"
std::string checkpoint_name(uint64_t n);  // "checkpoint.00000001"

struct WalDirListing {
  std::vector<uint64_t> segments;     // ascending
  std::vector<uint64_t> checkpoints;  // ascending
  std::vector<std::string> temporary; // leftovers of interrupted checkpoint writes (*.tmp)
};

// Lists `dir` (which must exist). Unrelated files are ignored.
util::Result<WalDirListing> list_wal_dir(const std::string& dir);

// Deletes segments numbered below `n` and checkpoints numbered below `n`, then fsyncs the
// directory. Called once checkpoint `n` is durable: it covers everything they held.
util::Status remove_before(const std::string& dir, uint64_t n);

}  // namespace wal
