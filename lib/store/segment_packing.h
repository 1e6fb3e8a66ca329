// Packing a flush batch's small chunks into segment objects (chunk/segment.h): a flush of 100k
// streams then writes a few objects instead of 100k files, the cost that dominated it. Chunks
// are grouped by the day directory their standalone name files them under (so retention and
// rebuild still find a chunk under the day of its first entry) and cut into segments of at most
// `segment_max_bytes`; a chunk at or above `chunk_max_bytes` stays an object of its own, as does
// a chunk that would be alone in its segment.
//
// Pure function; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/index_format.h"

namespace store {

struct SegmentObject {
  std::string file;  // <day>/<segment name>, relative to the tenant's chunk directory
  std::string data;
  size_t chunks = 0;
};

// `refs[i]` describes chunk `datas[i]` with `file` its standalone <day>/<name>. Packed chunks get
// the segment's file and their byte range there; the others are left as they are.
std::vector<SegmentObject> pack_segments(const std::vector<std::string_view>& datas, std::vector<idx::ChunkRef>& refs,
                                         uint64_t chunk_max_bytes, uint64_t segment_max_bytes);

}  // namespace store
