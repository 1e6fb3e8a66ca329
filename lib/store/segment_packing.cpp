#include "store/segment_packing.h"

#include <algorithm>
#include <limits>
#include <map>

#include "chunk/crc32c.h"
#include "chunk/segment.h"
#include "store/layout.h"

namespace store {

std::vector<SegmentObject> pack_segments(const std::vector<std::string_view>& datas, std::vector<idx::ChunkRef>& refs,
                                         uint64_t chunk_max_bytes, uint64_t segment_max_bytes) {
  std::vector<SegmentObject> out;
  if (chunk_max_bytes == 0) return out;
  std::map<std::string, std::vector<size_t>> by_day;
  for (size_t i = 0; i < datas.size(); ++i) {
    if (datas[i].size() >= chunk_max_bytes) continue;
    by_day[refs[i].file.substr(0, refs[i].file.find('/'))].push_back(i);
  }
  for (const auto& [day, members] : by_day) {
    for (size_t begin = 0; begin < members.size();) {
      // One segment: chunks until the next would take it past the bound (at least one).
      size_t end = begin;
      uint64_t bytes = 0;
      while (end < members.size() && (end == begin || bytes + datas[members[end]].size() <= segment_max_bytes))
        bytes += datas[members[end++]].size();
      if (end - begin < 2) {  // alone: a plain chunk object says the same with less
        begin = end;
        continue;
      }
      chunk::SegmentWriter writer;
      int64_t min_time = std::numeric_limits<int64_t>::max(), max_time = std::numeric_limits<int64_t>::min();
      std::vector<chunk::SegmentEntry> placed;
      placed.reserve(end - begin);
      for (size_t k = begin; k < end; ++k) {
        placed.push_back(writer.add(datas[members[k]]));
        min_time = std::min(min_time, refs[members[k]].min_time);
        max_time = std::max(max_time, refs[members[k]].max_time);
      }
      SegmentObject seg;
      seg.chunks = end - begin;
      seg.data = writer.finish();
      seg.file = day + "/" + segment_file_name(min_time, max_time, seg.chunks, chunk::crc32c(seg.data));
      for (size_t k = begin; k < end; ++k) {
        idx::ChunkRef& ref = refs[members[k]];
        ref.file = seg.file;
        ref.offset = placed[k - begin].offset;
        ref.length = placed[k - begin].length;
      }
      out.push_back(std::move(seg));
      begin = end;
    }
  }
  return out;
}

}  // namespace store
