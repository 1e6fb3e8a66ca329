// FileTailer: follows one path, reading complete lines and handing them to a LineConsumer.
//
// - Starts at the offset recorded in the positions file, unless the file there now is another
//   one (recorded device/inode differ) or is shorter than the offset (then from 0, as Promtail).
// - Emits complete lines only; a partial last line stays in the file (no copy is kept) and is
//   read again once its newline arrives.
// - Rotation by rename (or delete and recreate): when the path names a new file, the old one is
//   read to its end first (lines written to it after the rename are not lost), its last partial
//   line, if any, is emitted (no more data can complete it), then the new file is read from 0.
// - Copytruncate: a file shorter than our offset restarts at 0.
// - A vanished path keeps the old descriptor; reading resumes when the path reappears.
//
// No thread and no buffer of its own: poll() reads into a caller-provided scratch buffer (one per
// polling thread), so 1,000 tailers cost a few hundred bytes each. A line longer than the scratch
// buffer is the one case that copies (into a string freed once the line is emitted).
//
// Thread-safety: poll() and the destructor must run on one thread at a time; the getters below
// (atomics) and the cursor may be read from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "model/labels.h"
#include "positions/positions_store.h"
#include "tail/tailed_line.h"

namespace tail {

class FileTailer {
 public:
  // `labels` are the stream labels for this file (the caller adds `filename`). `start_offset`
  // and `recorded_id` come from the positions store (0 and nullopt when there is no entry).
  FileTailer(std::string path, model::LabelSet labels, int64_t start_offset,
             std::optional<positions::FileId> recorded_id);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  enum class PollResult {
    kCaughtUp,  // everything available was read (or the file is missing)
    kMoreData,  // stopped after `byte_budget` bytes: poll again soon (fairness between files)
    kBlocked,   // the consumer is full: poll again once it has room
  };
  // Reads what is available. `scratch` must be non-empty (64 KiB is a good size).
  PollResult poll(LineConsumer& consumer, std::span<char> scratch, size_t byte_budget, int64_t now_ns);

  // Lines read from now on carry `labels` (the target's labels changed). Call from the thread
  // that polls.
  void set_labels(model::LabelSet labels);

  const std::string& path() const { return path_; }
  // The cursor of the file being read (null until the file was first opened). Its
  // acknowledged() offset is what the positions file may record.
  std::shared_ptr<FileCursor> cursor() const;

  // Promtail's metrics for this path: the read position (promtail_read_bytes_total), lines
  // emitted (promtail_read_lines_total) and the file size last seen (promtail_file_bytes_total).
  int64_t read_offset() const { return read_offset_.load(std::memory_order_relaxed); }
  uint64_t lines_read() const { return lines_read_.load(std::memory_order_relaxed); }
  int64_t file_size() const { return file_size_.load(std::memory_order_relaxed); }

 private:
  enum class Change { kNone, kMissing, kReplaced, kTruncated };
  bool open_file(bool use_recorded_position);
  Change detect_change();
  void set_line_start(int64_t offset);

  const std::string path_;
  model::LabelSet labels_;
  int64_t recorded_offset_;
  std::optional<positions::FileId> recorded_id_;
  bool opened_once_ = false;

  int fd_ = -1;
  positions::FileId id_;
  int64_t line_start_ = 0;     // offset of the first byte not yet emitted
  std::string long_line_;      // bytes of a line longer than the scratch buffer, read so far
  bool rotation_pending_ = false;  // the path names another file: drain this one, then switch

  mutable std::mutex cursor_mu_;       // guards cursor_ (replaced on rotation, read by others)
  std::shared_ptr<FileCursor> cursor_;

  std::atomic<int64_t> read_offset_{0};
  std::atomic<uint64_t> lines_read_{0};
  std::atomic<int64_t> file_size_{0};
};

}  // namespace tail
