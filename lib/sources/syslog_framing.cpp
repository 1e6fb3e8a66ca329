#include "sources/syslog_framing.h"

namespace sources {
namespace {

// Octet counting's LEN is at most this many digits; anything longer is not a length prefix.
constexpr size_t kMaxLengthDigits = 10;

}  // namespace

SyslogFrameDecoder::SyslogFrameDecoder(size_t max_message_length)
    : max_len_(max_message_length == 0 ? 1 : max_message_length) {}

util::Status SyslogFrameDecoder::feed(std::string_view data, const FrameHandler& on_frame) {
  if (skip_ > 0) {
    size_t n = std::min(skip_, data.size());
    skip_ -= n;
    data.remove_prefix(n);
  }
  if (data.empty()) return {};
  if (framing_ == Framing::kUnknown && start_ == buf_.size()) {
    char c = data[0];
    if (c == '<') {
      framing_ = Framing::kNonTransparent;
    } else if (c >= '1' && c <= '9') {
      framing_ = Framing::kOctetCounting;
    } else {
      return util::Error{std::string("invalid or unsupported framing: first byte '") + c + "'"};
    }
  }
  buf_.append(data);
  util::Status st = drain(on_frame);
  // Compact: keep only the unconsumed tail so the buffer stays within one message.
  if (start_ > 0) {
    buf_.erase(0, start_);
    start_ = 0;
  }
  return st;
}

util::Status SyslogFrameDecoder::drain(const FrameHandler& on_frame) {
  std::string_view b(buf_);
  if (framing_ == Framing::kNonTransparent) {
    while (start_ < b.size()) {
      size_t nl = b.find('\n', start_);
      if (nl == std::string_view::npos) {
        if (b.size() - start_ > max_len_ && !discarding_) {
          on_frame(b.substr(start_, max_len_));
          ++truncated_;
          discarding_ = true;
        }
        if (discarding_) start_ = b.size();
        return {};
      }
      std::string_view line = b.substr(start_, nl - start_);
      start_ = nl + 1;
      if (discarding_) {
        discarding_ = false;
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > max_len_) {
        line = line.substr(0, max_len_);
        ++truncated_;
      }
      if (!line.empty()) on_frame(line);
    }
    return {};
  }
  // Octet counting.
  while (start_ < b.size()) {
    size_t sp = b.find(' ', start_);
    if (sp == std::string_view::npos) {
      if (b.size() - start_ > kMaxLengthDigits) return util::Error{"octet counting: length prefix too long"};
      return {};
    }
    std::string_view digits = b.substr(start_, sp - start_);
    if (digits.empty() || digits.size() > kMaxLengthDigits || digits[0] == '0') {
      return util::Error{"octet counting: invalid message length \"" + std::string(digits) + "\""};
    }
    size_t len = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') {
        return util::Error{"octet counting: invalid message length \"" + std::string(digits) + "\""};
      }
      len = len * 10 + static_cast<size_t>(c - '0');
    }
    size_t body = sp + 1;
    size_t want = std::min(len, max_len_);
    if (b.size() - body < want) return {};  // wait for the rest
    on_frame(b.substr(body, want));
    if (want < len) {
      ++truncated_;
      size_t have_extra = b.size() - body - want;
      size_t extra = len - want;
      if (have_extra >= extra) {
        start_ = body + len;
      } else {
        skip_ = extra - have_extra;
        start_ = b.size();
      }
    } else {
      start_ = body + len;
    }
  }
  return {};
}

void SyslogFrameDecoder::finish(const FrameHandler& on_frame) {
  if (framing_ != Framing::kNonTransparent || discarding_ || start_ >= buf_.size()) return;
  std::string_view line = std::string_view(buf_).substr(start_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!line.empty()) on_frame(line.substr(0, max_len_));
  start_ = buf_.size();
}

}  // namespace sources
