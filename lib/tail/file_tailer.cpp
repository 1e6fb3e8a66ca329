// FileTailer (see file_tailer.h). The file offset is the only reading state: every read is a
// pread() at line_start_ (+ the part of an over-long line already copied), so a line refused by
// the consumer or a partial last line is simply read again later, and rotation needs no
// buffered data to be carried over.
#include "tail/file_tailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tail {

FileTailer::FileTailer(std::string path, model::LabelSet labels, int64_t start_offset,
                       std::optional<positions::FileId> recorded_id)
    : path_(std::move(path)), labels_(std::move(labels)), recorded_offset_(start_offset),
      recorded_id_(recorded_id) {}

FileTailer::~FileTailer() {
  if (fd_ >= 0) ::close(fd_);
}

std::shared_ptr<FileCursor> FileTailer::cursor() const {
  std::lock_guard lock(cursor_mu_);
  return cursor_;
}

void FileTailer::set_line_start(int64_t offset) {
  line_start_ = offset;
  read_offset_.store(offset, std::memory_order_relaxed);
}

bool FileTailer::open_file(bool use_recorded_position) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    return false;
  }
  positions::FileId id{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  int64_t start = 0;
  if (use_recorded_position) {
    // A recorded offset belongs to the file it was read from: another file at the path (rotated
    // while we were down) or a file shorter than the offset (truncated) starts over.
    bool same_file = !recorded_id_ || *recorded_id_ == id;
    if (same_file && recorded_offset_ <= st.st_size) start = recorded_offset_;
  }
  fd_ = fd;
  id_ = id;
  long_line_.clear();
  set_line_start(start);
  file_size_.store(st.st_size, std::memory_order_relaxed);
  auto cursor = std::make_shared<FileCursor>(path_, id, labels_, start);
  std::lock_guard lock(cursor_mu_);
  cursor_ = std::move(cursor);
  return true;
}

void FileTailer::set_labels(model::LabelSet labels) {
  if (labels == labels_) return;
  labels_ = std::move(labels);
  std::lock_guard lock(cursor_mu_);
  if (!cursor_) return;  // not opened yet: open_file() uses the new labels
  // Same file, new labels: a new cursor from the first byte not yet emitted.
  std::shared_ptr<const FileCursor> before;
  if (cursor_->acknowledged() < line_start_) before = cursor_;
  cursor_ = std::make_shared<FileCursor>(path_, id_, labels_, line_start_, std::move(before));
}

FileTailer::Change FileTailer::detect_change() {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) return Change::kMissing;
  positions::FileId now{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  if (now != id_) return Change::kReplaced;
  file_size_.store(st.st_size, std::memory_order_relaxed);
  if (st.st_size < line_start_ + static_cast<int64_t>(long_line_.size())) return Change::kTruncated;
  return Change::kNone;
}

FileTailer::PollResult FileTailer::poll(LineConsumer& consumer, std::span<char> scratch, size_t byte_budget,
                                        int64_t now_ns) {
  if (fd_ < 0) {
    bool first = !opened_once_;
    if (!open_file(first)) return PollResult::kCaughtUp;
    opened_once_ = true;
  }
  size_t consumed = 0;
  while (true) {
    const int64_t read_at = line_start_ + static_cast<int64_t>(long_line_.size());
    ssize_t n = ::pread(fd_, scratch.data(), scratch.size(), read_at);
    if (n < 0) {
      if (errno == EINTR) continue;
      n = 0;  // an unreadable descriptor is treated as its end: rotation checks still apply
    }
    const char* data = scratch.data();
    const char* p = data;
    const char* end = data + n;
    while (const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p))) {
      size_t held = long_line_.size();
      std::string_view line(p, nl - p);
      if (held > 0) {
        long_line_.append(p, nl - p);
        line = long_line_;
      }
      const int64_t end_offset = read_at + (nl - data) + 1;
      if (!consumer.try_consume(TailedLine{line, end_offset, now_ns, cursor_})) {
        long_line_.resize(held);
        return PollResult::kBlocked;
      }
      long_line_.clear();
      long_line_.shrink_to_fit();  // a one-off huge line must not pin its memory
      set_line_start(end_offset);
      lines_read_.fetch_add(1, std::memory_order_relaxed);
      p = nl + 1;
    }
    consumed += static_cast<size_t>(n);
    const bool at_end = static_cast<size_t>(n) < scratch.size();
    if (!at_end) {
      // Whole chunk without a newline: the line is longer than the scratch buffer, keep it.
      if (p == data) long_line_.append(data, n);
      if (consumed >= byte_budget) return PollResult::kMoreData;
      continue;
    }
    // We reached the end of the file as it was when read. The bytes in [p, end) are a partial
    // line, left in the file unless this file is being left for good.
    if (rotation_pending_) {
      if (p != end || !long_line_.empty()) {
        size_t held = long_line_.size();
        long_line_.append(p, end - p);
        const int64_t end_offset = read_at + n;
        if (!consumer.try_consume(TailedLine{long_line_, end_offset, now_ns, cursor_})) {
          long_line_.resize(held);
          return PollResult::kBlocked;
        }
        lines_read_.fetch_add(1, std::memory_order_relaxed);
        set_line_start(end_offset);
      }
      ::close(fd_);
      fd_ = -1;
      rotation_pending_ = false;
      if (!open_file(false)) return PollResult::kCaughtUp;
      continue;
    }
    switch (detect_change()) {
      case Change::kNone:
      case Change::kMissing:
        return PollResult::kCaughtUp;
      case Change::kReplaced:
        // Read the old file once more after seeing the new one: anything written to it before
        // the writer switched is then read before we switch too.
        rotation_pending_ = true;
        continue;
      case Change::kTruncated: {
        // Copytruncate: the same file starts over. A new cursor, so that acknowledgements of
        // lines from before the truncation cannot record offsets past the new end.
        long_line_.clear();
        set_line_start(0);
        auto cursor = std::make_shared<FileCursor>(path_, id_, labels_, 0);
        std::lock_guard lock(cursor_mu_);
        cursor_ = std::move(cursor);
        continue;
      }
    }
  }
}

}  // namespace tail
