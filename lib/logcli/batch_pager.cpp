#include "logcli/batch_pager.h"

#include <string>

namespace logcli {

BatchPager::BatchPager(uint32_t limit, uint32_t batch, bool forward, int64_t start, int64_t end)
    : limit_(limit), batch_(batch == 0 ? 1 : batch), forward_(forward), start_(start), end_(end) {
  if (limit_ != 0 && limit_ < batch_) batch_ = limit_;
}

uint32_t BatchPager::request_limit() const {
  if (limit_ != 0 && limit_ - total_ < batch_) return static_cast<uint32_t>(limit_ - total_ + overlap_);
  return batch_;
}

util::Status BatchPager::page_done(size_t printed, size_t overlap, int64_t last_ts) {
  if (printed == 0 || overlap == 0 || (limit_ != 0 && printed == limit_)) {
    done_ = true;
    return {};
  }
  if (overlap >= batch_) {
    done_ = true;
    return util::Error{"batch size " + std::to_string(batch_) + " is too small: " + std::to_string(overlap) +
                       " entries share the last timestamp of a page and would all be fetched again, so paging "
                       "cannot advance; use --batch=" + std::to_string(overlap + 1) + " or more"};
  }
  total_ += printed;
  overlap_ = overlap;
  if (forward_) start_ = last_ts;
  else end_ = last_ts + 1;
  return {};
}

}  // namespace logcli
