#include "logcli/raw_line_stamps.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace logcli {

RawLineStamps RawLineStamps::from_arrivals(std::string_view data,
                                           const std::vector<std::pair<size_t, int64_t>>& arrivals) {
  RawLineStamps s;
  size_t begin = 0;  // where the lines completed by the current read start
  for (size_t k = 0; k < arrivals.size(); ++k) {
    size_t end = data.size();
    if (k + 1 < arrivals.size()) {
      // Lines whose newline lies before the read's end: up to its last newline.
      size_t upto = std::min(arrivals[k].first, data.size());
      const void* nl = upto > begin ? memrchr(data.data() + begin, '\n', upto - begin) : nullptr;
      end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1 : begin;
    }
    if (end <= begin && k + 1 < arrivals.size()) continue;  // no line completed by this read
    int64_t stamp = arrivals[k].second;
    if (!s.segments_.empty()) {
      const Segment& prev = s.segments_.back();
      stamp = std::max(stamp, prev.stamp + static_cast<int64_t>(begin - prev.offset));
    }
    s.segments_.push_back({begin, stamp});
    begin = end;
    if (begin >= data.size()) break;
  }
  if (s.segments_.empty()) s.segments_.push_back({0, arrivals.empty() ? 0 : arrivals.back().second});
  return s;
}

int64_t RawLineStamps::time_of(size_t offset) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](size_t o, const Segment& s) { return o < s.offset; });
  --it;  // the first segment starts at offset 0
  return it->stamp + static_cast<int64_t>(offset - it->offset);
}

size_t RawLineStamps::first_offset_at_or_after(int64_t t) const {
  if (segments_.empty() || t <= segments_.front().stamp) return 0;
  // The last segment starting at or before t; within it stamps grow one per byte, and its
  // offsets end where the next segment starts.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                             [](int64_t v, const Segment& s) { return v < s.stamp; });
  --it;
  size_t off = it->offset + static_cast<size_t>(t - it->stamp);
  if (auto next = it + 1; next != segments_.end()) off = std::min(off, next->offset);
  return off;
}

}  // namespace logcli
