// SyslogFrameDecoder: splits a syslog TCP byte stream into messages. The framing is detected from
// the stream's first byte, as Promtail does: '<' means non-transparent framing (RFC 6587: one
// message per line, "\n" ends it, a trailing "\r" is dropped), a digit means octet counting
// (RFC 5425/6587: "LEN SP MSG"). Messages longer than max_message_length are truncated to it
// (the rest is skipped), so a sender cannot make the decoder buffer without bound.
//
// Thread-safety: one decoder per connection, used by one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace sources {

class SyslogFrameDecoder {
 public:
  using FrameHandler = std::function<void(std::string_view frame)>;
  enum class Framing { kUnknown, kNonTransparent, kOctetCounting };

  explicit SyslogFrameDecoder(size_t max_message_length);

  // Consumes `data`, calling `on_frame` for each complete message (the view is valid only during
  // the call). An error (unsupported first byte, a bad length prefix) means the stream cannot be
  // resynchronised: the caller closes the connection.
  util::Status feed(std::string_view data, const FrameHandler& on_frame);
  // End of stream: a non-transparent message without its final newline is still a message.
  void finish(const FrameHandler& on_frame);

  Framing framing() const { return framing_; }
  size_t truncated() const { return truncated_; }  // messages cut at max_message_length

 private:
  util::Status drain(const FrameHandler& on_frame);

  size_t max_len_;
  Framing framing_ = Framing::kUnknown;
  std::string buf_;
  size_t start_ = 0;      // first unconsumed byte of buf_
  size_t skip_ = 0;       // octet counting: bytes of an over-long message still to discard
  bool discarding_ = false;  // non-transparent: discarding an over-long line up to its newline
  size_t truncated_ = 0;
};

}  // namespace sources
