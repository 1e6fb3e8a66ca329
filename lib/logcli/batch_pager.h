// The arithmetic of `logcli query --batch`: paging through more entries than one request may
// return, exactly as Loki's logcli does. Each page asks for at most `batch` entries; the next
// page starts (forward) or ends (backward, end + 1ns as end is exclusive) at the timestamp of
// the previous page's last entry, because several entries may share that timestamp; those
// already printed are skipped when the page is printed (see PageOverlap in output.h).
//
// Not thread-safe; one pager per query.
#pragma once

#include <cstddef>
#include <cstdint>

#include "util/result.h"

namespace logcli {

class BatchPager {
 public:
  // `limit` 0 means no limit (page until the range is exhausted).
  BatchPager(uint32_t limit, uint32_t batch, bool forward, int64_t start, int64_t end);

  bool more() const { return !done_ && (limit_ == 0 || total_ < limit_); }
  // The limit of the next request: the batch, or what is still missing plus the entries the
  // next page will repeat.
  uint32_t request_limit() const;
  int64_t start() const { return start_; }
  int64_t end() const { return end_; }
  uint64_t total() const { return total_; }

  // Records a printed page: `printed` new entries, `overlap` entries at its final timestamp
  // `last_ts`. A page of log entries that printed nothing ends paging. Errors (as Loki's
  // logcli) when the overlap fills a whole batch, since paging could then never advance.
  util::Status page_done(size_t printed, size_t overlap, int64_t last_ts);

 private:
  uint32_t limit_, batch_;
  bool forward_;
  int64_t start_, end_;
  uint64_t total_ = 0;
  size_t overlap_ = 0;
  bool done_ = false;
};

}  // namespace logcli
