// WalWriter: appends records to numbered segment files in the WAL directory, one write() per
// append and no fsync per append (a process crash keeps what the kernel has; fsync happens on
// rotation, sync() and close()). Rotates to a new segment when the current one would pass
// `segment_size`.
//
// Thread-safe: appends from several threads are serialized by an internal mutex; each record
// lands whole and contiguous (a failed or short write is cut back off the file, so the segment
// never holds a torn record followed by good ones).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "util/result.h"

namespace wal {

struct WalWriterOptions {
  std::string dir;
  uint64_t segment_size = 64u << 20;
};

class WalWriter {
 public:
  // Creates segment `first_segment` (which must not exist yet) in the existing `dir`.
  static util::Result<std::unique_ptr<WalWriter>> open(const WalWriterOptions& options, uint64_t first_segment);
  ~WalWriter();  // close()s, ignoring errors
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Writes `records` (one or more whole encoded records) with a single write().
  util::Status append(std::string_view records);
  // fsyncs the current segment, starts the next one and returns its number: every record
  // appended before the call is in a segment numbered below it.
  util::Result<uint64_t> rotate();
  // fsyncs the current segment.
  util::Status sync();
  // fsyncs and closes; later appends fail.
  util::Status close();

  uint64_t current_segment() const;
  uint64_t bytes_written() const;  // since open

 private:
  explicit WalWriter(WalWriterOptions options) : options_(std::move(options)) {}
  util::Status open_segment_locked(uint64_t n);
  util::Status rotate_locked();

  const WalWriterOptions options_;
  mutable std::mutex mu_;
  int fd_ = -1;
  uint64_t segment_ = 0;
  uint64_t segment_bytes_ = 0;
  uint64_t bytes_written_ = 0;
};

}  // namespace wal
