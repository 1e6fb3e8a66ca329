#include "pattern/sample_buckets.h"

#include <algorithm>

namespace pattern {
namespace {

// Floor division: the interval of a time before 1970 starts before it too.
int64_t truncate(int64_t ts, int64_t step) {
  int64_t r = ts % step;
  return r < 0 ? ts - r - step : ts - r;
}

}  // namespace

bool SampleBuckets::add(int64_t ts_ns) {
  int64_t ms = ts_ns / 1'000'000;
  if (ts_ns < 0 && ts_ns % 1'000'000 != 0) --ms;
  const int64_t t = truncate(ms, interval_ms_);
  if (!samples_.empty()) {
    Sample& last = samples_.back();
    if (last.ts_ms == t) {
      ++last.count;
      ++total_;
      return true;
    }
    if (t < last.ts_ms) return false;
  }
  samples_.push_back({t, 1});
  ++total_;
  return true;
}

int64_t SampleBuckets::prune(int64_t cutoff_ms) {
  int64_t dropped = 0;
  while (!samples_.empty() && samples_.front().ts_ms < cutoff_ms) {
    dropped += samples_.front().count;
    samples_.pop_front();
  }
  total_ -= dropped;
  return dropped;
}

void SampleBuckets::for_range(int64_t start_ms, int64_t end_ms, int64_t step_ms,
                              const std::function<void(const Sample&)>& emit) const {
  if (start_ms >= end_ms || samples_.empty()) return;
  auto it = std::lower_bound(samples_.begin(), samples_.end(), start_ms,
                             [](const Sample& s, int64_t t) { return s.ts_ms < t; });
  Sample pending;
  bool have = false;
  for (; it != samples_.end() && it->ts_ms < end_ms; ++it) {
    const int64_t bucket = truncate(it->ts_ms, step_ms);
    if (have && bucket != pending.ts_ms) {
      emit(pending);
      have = false;
    }
    if (!have) {
      pending = {bucket, 0};
      have = true;
    }
    pending.count += it->count;
  }
  if (have) emit(pending);
}

}  // namespace pattern
