#include "index/index_format.h"

#include <charconv>

namespace idx {
namespace {

bool parse_u64(std::string_view s, uint64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::optional<ChunkLocation> parse_chunk_id(std::string_view id) {
  auto at = id.find('@');
  if (at == std::string_view::npos) return ChunkLocation{std::string(id), 0, 0};
  std::string_view range = id.substr(at + 1);
  auto plus = range.find('+');
  ChunkLocation loc{std::string(id.substr(0, at)), 0, 0};
  if (plus == std::string_view::npos || !parse_u64(range.substr(0, plus), loc.offset) ||
      !parse_u64(range.substr(plus + 1), loc.length) || loc.length == 0 || loc.file.empty())
    return std::nullopt;
  return loc;
}

}  // namespace idx
