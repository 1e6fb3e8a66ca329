// GelfChunkAssembler (see gelf_chunks.h).
#include "sources/gelf_chunks.h"

namespace sources {
namespace {

constexpr size_t kHeaderBytes = 12;  // magic 2, id 8, sequence number 1, sequence count 1

}  // namespace

bool is_gelf_chunk(std::string_view d) {
  return d.size() >= 2 && static_cast<unsigned char>(d[0]) == 0x1e && static_cast<unsigned char>(d[1]) == 0x0f;
}

util::Result<std::optional<std::string>> GelfChunkAssembler::add(std::string_view chunk, int64_t now_ns) {
  if (!is_gelf_chunk(chunk) || chunk.size() <= kHeaderBytes) {
    return util::Error{"gelf: a chunk must be longer than its 12-byte header"};
  }
  std::string id(chunk.substr(2, 8));
  const size_t seq = static_cast<unsigned char>(chunk[10]);
  const size_t count = static_cast<unsigned char>(chunk[11]);
  if (count == 0 || count > kGelfMaxChunks) {
    return util::Error{"gelf: a message must not be split into more than 128 chunks (count " + std::to_string(count) + ")"};
  }
  if (seq >= count) {
    return util::Error{"gelf: chunk sequence number " + std::to_string(seq) + " not below its count " + std::to_string(count)};
  }
  auto it = messages_.find(id);
  if (it != messages_.end() && now_ns - it->second.first_ns > kGelfChunkTimeoutNs) {
    messages_.erase(it);
    return util::Error{"gelf: a chunk arrived more than 5s after its message's first chunk"};
  }
  if (it == messages_.end()) {
    if (messages_.size() >= max_pending_) {
      auto oldest = messages_.begin();
      for (auto m = messages_.begin(); m != messages_.end(); ++m) {
        if (m->second.first_ns < oldest->second.first_ns) oldest = m;
      }
      messages_.erase(oldest);
    }
    it = messages_.emplace(id, Pending{now_ns, 0, std::vector<std::optional<std::string>>(count)}).first;
  }
  Pending& p = it->second;
  if (p.parts.size() != count) {
    messages_.erase(it);
    return util::Error{"gelf: chunks of one message disagree on their count"};
  }
  if (!p.parts[seq]) {  // a repeated chunk is ignored
    p.parts[seq] = std::string(chunk.substr(kHeaderBytes));
    ++p.received;
  }
  if (p.received < count) return std::optional<std::string>();
  std::string payload;
  for (auto& part : p.parts) payload += *part;
  messages_.erase(it);
  return std::optional<std::string>(std::move(payload));
}

size_t GelfChunkAssembler::expire(int64_t now_ns) {
  size_t n = 0;
  for (auto it = messages_.begin(); it != messages_.end();) {
    if (now_ns - it->second.first_ns > kGelfChunkTimeoutNs) {
      it = messages_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace sources
