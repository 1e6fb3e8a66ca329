// InputBuffer: all of a file descriptor's bytes in memory, read the cheapest way the descriptor
// allows. A regular file (`logcli ... < app.log`) is mapped, not copied; a pipe is read into
// anonymous memory that asks for transparent huge pages, because page faults, not copying,
// dominate reading a large pipe into a growing buffer.
// Movable, not copyable; immutable once read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace logcli {

class InputBuffer {
 public:
  // Reads `fd` to its end. `on_chunk(end)` is called after each read() of a pipe with the number
  // of bytes read so far (never for mapped files), so callers can note arrival times.
  template <class OnChunk>
  static util::Result<InputBuffer> read_all(int fd, OnChunk&& on_chunk);
  static util::Result<InputBuffer> read_all(int fd) {
    return read_all(fd, [](size_t) {});
  }
  static InputBuffer from_string(std::string data);

  std::string_view view() const { return {data_, size_}; }
  bool mapped() const { return mapped_; }

  InputBuffer() = default;
  InputBuffer(InputBuffer&& o) noexcept;
  InputBuffer& operator=(InputBuffer&& o) noexcept;
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;
  ~InputBuffer();

 private:
  // Maps `fd` if it is a regular file from its current offset; returns false if it is not one.
  util::Result<bool> try_map(int fd);
  util::Status grow(size_t min_capacity);
  // One read() into the free space; returns bytes read (0 at end).
  util::Result<size_t> read_some(int fd);
  void release();

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;  // bytes reserved (anonymous memory) or mapped length
  size_t map_offset_ = 0;  // mapped files: start of the data within the mapping
  bool mapped_ = false;    // data_ - map_offset_ is a file mapping of capacity_ bytes
  std::string owned_;      // from_string() only
};

template <class OnChunk>
util::Result<InputBuffer> InputBuffer::read_all(int fd, OnChunk&& on_chunk) {
  InputBuffer b;
  auto mapped = b.try_map(fd);
  if (!mapped) return mapped.status_error();
  if (*mapped) return b;
  for (;;) {
    auto n = b.read_some(fd);
    if (!n) return n.status_error();
    if (*n == 0) break;
    on_chunk(b.size_);
  }
  return b;
}

}  // namespace logcli
