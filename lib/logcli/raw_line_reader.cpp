#include "logcli/raw_line_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace logcli {

namespace {

// File reads: big enough that a read() costs little per byte, small enough to stay in L2.
constexpr size_t kWindow = 256 << 10;

}  // namespace

RawLineIterator::RawLineIterator(RawInput input, const RawLineStamps& stamps, const model::LabelSet& labels,
                                 size_t begin, size_t end, std::optional<util::SubstringFinder> needle, bool backward)
    : input_(input), stamps_(stamps), labels_(labels), pos_(0), end_(end), needle_(std::move(needle)) {
  // The first line starting at or after `begin`: just after the first newline at begin - 1 or later.
  if (begin > 0) {
    pos_ = input_.total();
    for (size_t at = begin - 1; at < input_.total();) {
      std::string_view w = bytes(at, kWindow, false);
      if (w.empty()) break;
      if (const void* nl = std::memchr(w.data(), '\n', w.size())) {
        pos_ = at + static_cast<size_t>(static_cast<const char*>(nl) - w.data()) + 1;
        break;
      }
      at += w.size();
    }
  }
  win_end_ = pos_;
  if (!backward) return;
  // Backward: find the lines forward, then read each again from the end (a few re-reads of
  // the buffer, which then serves the preceding lines).
  while (auto f = step()) backlog_.push_back(*f);
  backward_ = true;
}

std::string_view RawLineIterator::bytes(size_t offset, size_t len, bool backward) {
  const size_t total = input_.total();
  if (offset >= total) return {};
  len = std::min(len, total - offset);
  if (input_.fd < 0) return input_.memory.substr(offset, len);
  if (offset >= buf_off_ && offset + len <= buf_off_ + buf_len_) return {buf_.data() + (offset - buf_off_), len};
  size_t want = std::max(len, kWindow);
  size_t from = !backward ? offset : offset + len > want ? offset + len - want : 0;
  want = std::min(want, total - from);
  if (buf_.size() < want) buf_.resize(want);
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(input_.fd, buf_.data() + got, want - got, input_.start + static_cast<off_t>(from + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status_ = util::Error{std::string("reading stdin: ") + std::strerror(errno)};
      buf_len_ = 0;
      return {};
    }
    if (n == 0) {  // the file shrank since it was opened: it ends here now
      input_.size = from + got;
      break;
    }
    got += static_cast<size_t>(n);
  }
  buf_off_ = from;
  buf_len_ = got;
  if (offset >= from + got) return {};
  return {buf_.data() + (offset - from), std::min(len, from + got - offset)};
}

bool RawLineIterator::fill() {
  if (pos_ >= input_.total() || !status_.ok()) return false;
  if (input_.fd < 0) {
    win_end_ = input_.total();
    return true;
  }
  for (size_t want = kWindow;; want *= 2) {
    std::string_view w = bytes(pos_, want, false);
    if (w.empty()) return false;
    if (pos_ + w.size() >= input_.total()) {
      win_end_ = pos_ + w.size();
      return true;
    }
    // Up to the last newline, so that no line (and no needle in one) spans two buffers.
    if (const void* nl = memrchr(w.data(), '\n', w.size())) {
      win_end_ = pos_ + static_cast<size_t>(static_cast<const char*>(nl) - w.data()) + 1;
      return true;
    }
    // One line longer than the buffer: read more of it.
  }
}

std::optional<RawLineIterator::Found> RawLineIterator::step() {
  for (;;) {
    if (pos_ >= end_) return std::nullopt;  // only lines starting before end_
    if (pos_ >= win_end_ && !fill()) return std::nullopt;
    std::string_view w = bytes(pos_, win_end_ - pos_, false);
    if (w.empty()) return std::nullopt;
    size_t start = 0, stop = 0;  // the line, relative to pos_
    if (!needle_) {
      const void* nl = std::memchr(w.data(), '\n', w.size());
      stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - w.data()) : w.size();
    } else {
      size_t hit = needle_->find(w);
      if (hit == util::SubstringFinder::npos) {
        pos_ = win_end_;
        continue;
      }
      const void* nl = std::memchr(w.data() + hit, '\n', w.size() - hit);
      stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - w.data()) : w.size();
      if (hit + needle_->needle().size() > stop) {
        // Spans a line break: no line holds it there, nor later in this line (it would end past
        // the break too).
        pos_ += stop + 1;
        continue;
      }
      const void* prev = hit > 0 ? memrchr(w.data(), '\n', hit) : nullptr;
      start = prev ? static_cast<size_t>(static_cast<const char*>(prev) - w.data()) + 1 : 0;
    }
    Found f{pos_ + start, stop - start};
    if (f.offset >= end_) return std::nullopt;
    if (f.len > 0 && w[stop - 1] == '\r') --f.len;
    pos_ += stop + 1;
    return f;
  }
}

void RawLineIterator::set_entry(Found f, std::string_view text) {
  entry_.timestamp = stamps_.time_of(f.offset);
  entry_.line.assign(text);
}

bool RawLineIterator::next() {
  if (backward_) {
    if (backlog_.empty()) return false;
    Found f = backlog_.back();
    backlog_.pop_back();
    std::string_view text = bytes(f.offset, f.len, true);
    if (!status_.ok()) return false;
    set_entry(f, text);
    return true;
  }
  auto f = step();
  if (!f) return false;
  set_entry(*f, bytes(f->offset, f->len, false));
  return true;
}

util::Result<size_t> last_line_start(const RawInput& input) {
  const size_t total = input.total();
  if (total <= 1) return 0;
  // The newline before the last byte (a final newline ends the last line, not starts one).
  if (input.fd < 0) {
    const void* nl = memrchr(input.memory.data(), '\n', total - 1);
    return nl ? static_cast<size_t>(static_cast<const char*>(nl) - input.memory.data()) + 1 : 0;
  }
  std::string buf(std::min(total - 1, kWindow), '\0');
  for (size_t end = total - 1; end > 0;) {
    size_t from = end > buf.size() ? end - buf.size() : 0;
    ssize_t n = ::pread(input.fd, buf.data(), end - from, input.start + static_cast<off_t>(from));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return util::Error{std::string("reading stdin: ") + std::strerror(errno)};
    if (static_cast<size_t>(n) != end - from) return util::Error{"reading stdin: the file shrank"};
    if (const void* nl = memrchr(buf.data(), '\n', end - from))
      return from + static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    end = from;
  }
  return 0;
}

}  // namespace logcli
