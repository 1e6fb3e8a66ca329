// The body of the Docker Engine API's GET /containers/{id}/logs, turned into log lines.
//
// DockerFrameDemuxer: without a TTY the body multiplexes stdout and stderr in frames, each an
// 8-byte header (stream type: 0 stdin, 1 stdout, 2 stderr, 3 a daemon error; 3 zero bytes; the
// payload size as a big-endian uint32) and its payload. With a TTY it is one raw stream (all of
// it stdout), cut here at newlines. Bytes arrive in pieces of any size.
//
// DockerLineAssembler: with timestamps=true every frame starts with the entry's RFC3339Nano
// time and a space. The daemon splits a long line into several frames (16 KiB each), only the
// last ending with "\n"; as Promtail, their payloads are joined and the line takes the first
// frame's time; a line longer than max_line_bytes is sent at that size and the rest of it
// skipped. The trailing "\r\n" is removed.
//
// Thread-safety: none; one reader thread owns each.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sources {

enum class DockerStream { kStdout, kStderr };

std::string_view docker_stream_name(DockerStream s);  // "stdout", "stderr"

class DockerFrameDemuxer {
 public:
  // Called with each frame's payload (or, with a TTY, each line including its "\n").
  using FrameSink = std::function<void(DockerStream stream, std::string_view payload)>;
  // A stream type 3 frame: the daemon reports an error in the middle of the logs.
  using ErrorSink = std::function<void(std::string_view message)>;

  DockerFrameDemuxer(bool tty, FrameSink on_frame, ErrorSink on_error = {})
      : tty_(tty), on_frame_(std::move(on_frame)), on_error_(std::move(on_error)) {}

  // Feeds the next bytes of the body. Returns false (and stops) on a malformed header.
  bool feed(std::string_view bytes);
  // The end of the body: a TTY stream's last line without "\n" is handed on.
  void finish();

 private:
  bool tty_;
  FrameSink on_frame_;
  ErrorSink on_error_;
  std::string pending_;  // an incomplete header, frame or TTY line
  bool failed_ = false;
};

class DockerLineAssembler {
 public:
  // A complete line (without "\r\n") and its time in Unix nanoseconds.
  using LineSink = std::function<void(int64_t timestamp_ns, std::string line)>;
  // A frame without a parseable timestamp (skipped).
  using BadFrameSink = std::function<void(std::string_view frame)>;

  explicit DockerLineAssembler(LineSink on_line, size_t max_line_bytes = 256 * 1024, BadFrameSink on_bad = {})
      : on_line_(std::move(on_line)), on_bad_(std::move(on_bad)), max_line_bytes_(max_line_bytes) {}

  void add_frame(std::string_view frame);
  // The stream ended: a pending partial line is handed on.
  void finish();

 private:
  void emit();

  LineSink on_line_;
  BadFrameSink on_bad_;
  size_t max_line_bytes_;
  std::string line_;
  int64_t line_ts_ = 0;
  bool have_line_ = false;
  bool discarding_ = false;  // skipping the rest of an over-long line
};

}  // namespace sources
