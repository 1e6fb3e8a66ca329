// GelfChunkAssembler: reassembles chunked GELF datagrams. A chunk is the magic bytes 1e 0f, an
// 8-byte message id, a sequence number and a sequence count (at most 128), then data; once every
// sequence number of an id arrived, the data are joined in order into the payload. As the GELF
// spec and go-gelf say, a message's chunks must all arrive within 5 seconds of its first: an
// older incomplete message is forgotten. At most `max_pending` messages are held (the oldest is
// forgotten first), so a flood of never-completed ids cannot grow memory without bound.
//
// Not thread-safe: one receive loop owns it. Time is passed in (an injected clock's now).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace sources {

inline constexpr int64_t kGelfChunkTimeoutNs = 5'000'000'000;
inline constexpr size_t kGelfMaxChunks = 128;

// Whether a datagram is a GELF chunk (starts with 1e 0f).
bool is_gelf_chunk(std::string_view datagram);

class GelfChunkAssembler {
 public:
  explicit GelfChunkAssembler(size_t max_pending = 1024) : max_pending_(max_pending) {}
  // Adds one chunk received at `now_ns`. Returns the whole payload when this chunk completed its
  // message, nullopt while chunks are missing, an error for a malformed chunk or one of a
  // message that expired.
  util::Result<std::optional<std::string>> add(std::string_view chunk, int64_t now_ns);
  // Forgets messages whose first chunk is older than the timeout; returns how many.
  size_t expire(int64_t now_ns);
  size_t pending() const { return messages_.size(); }

 private:
  struct Pending {
    int64_t first_ns = 0;
    size_t received = 0;
    std::vector<std::optional<std::string>> parts;
  };
  size_t max_pending_;
  std::map<std::string, Pending> messages_;  // by message id
};

}  // namespace sources
