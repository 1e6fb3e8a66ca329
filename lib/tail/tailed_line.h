// What a FileTailer hands to its consumer: a complete line, the file it came from and the offset
// to acknowledge once the line is safely shipped. Acknowledgements, not reads, decide what the
// positions file may record, so a crash or an outage of logd never skips unshipped lines.
//
// Thread-safety: FileCursor::acknowledge() and acknowledged() may be called from any thread
// (the client acknowledges from its own); the rest of a cursor is immutable after creation,
// except the predecessor link, which acknowledged() drops under its own mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "model/labels.h"
#include "positions/positions_store.h"

namespace tail {

// One incarnation of a tailed file: a path and the (device, inode) it pointed to while we read
// it. A rotation starts a new cursor, so late acknowledgements for the old file can never move
// the position recorded for the new one.
//
// A target whose labels change (a Kubernetes pod relabelled) goes on reading the same file with a
// new cursor starting where the old one stopped; the old one is its `predecessor`, whose lines
// may still be in flight (queued, in a client batch, or held by a multiline stage): until they
// are all acknowledged, the old cursor's offset is the safe one. The link is owning, so that a
// chain of relabels keeps every unfinished cursor alive, and is dropped once the predecessor is
// fully acknowledged.
class FileCursor {
 public:
  FileCursor(std::string path, positions::FileId id, model::LabelSet labels, int64_t start_offset,
             std::shared_ptr<const FileCursor> predecessor = {})
      : path_(std::move(path)), id_(id), labels_(std::move(labels)), start_(start_offset),
        predecessor_(std::move(predecessor)), acked_(start_offset) {}

  const std::string& path() const { return path_; }
  const positions::FileId& file_id() const { return id_; }
  // The stream labels of every line from this file: the target's labels plus `filename`.
  const model::LabelSet& labels() const { return labels_; }

  // Marks everything before `end_offset` as shipped. Offsets only move forward, so an
  // out-of-order acknowledgement of an earlier batch is harmless.
  void acknowledge(int64_t end_offset) {
    int64_t cur = acked_.load(std::memory_order_relaxed);
    while (end_offset > cur && !acked_.compare_exchange_weak(cur, end_offset, std::memory_order_release)) {
    }
  }
  // The offset safe to persist: every line before it was acknowledged.
  int64_t acknowledged() const {
    std::shared_ptr<const FileCursor> before;
    {
      std::lock_guard lock(predecessor_mu_);
      before = predecessor_;
    }
    if (before) {
      int64_t theirs = before->acknowledged();
      if (theirs < start_) return theirs;
      std::lock_guard lock(predecessor_mu_);
      if (predecessor_ == before) predecessor_.reset();  // all of it acknowledged: let it go
    }
    return acked_.load(std::memory_order_acquire);
  }

 private:
  const std::string path_;
  const positions::FileId id_;
  const model::LabelSet labels_;
  const int64_t start_;
  mutable std::mutex predecessor_mu_;
  mutable std::shared_ptr<const FileCursor> predecessor_;
  std::atomic<int64_t> acked_;
};

struct TailedLine {
  std::string_view line;  // without its '\n'; valid only during the consumer call
  int64_t end_offset;     // byte offset just past the line's '\n' in its file: what to acknowledge
  int64_t read_time_ns;   // when it was read (Promtail stamps file lines with the read time)
  const std::shared_ptr<FileCursor>& cursor;
};

// Where tailers put lines. try_consume() returns false when the consumer is full: the tailer
// then stops reading this file and offers the same line again at its next poll, so nothing is
// buffered on the tailer side.
class LineConsumer {
 public:
  virtual ~LineConsumer() = default;
  virtual bool try_consume(const TailedLine& line) = 0;
};

}  // namespace tail
