// The counts of one pattern over time: lines per sample interval (Loki's pattern_sample_interval,
// 10 s), kept in time order, oldest dropped by prune(). Timestamps are Unix milliseconds (Loki's
// model.Time), each the start of its interval.
//
// As in Loki, a line older than the newest interval already counted is not counted (a stream's
// lines arrive in order, and its pattern ingester drops the rest); unlike Loki, which prunes
// whole one-hour chunks once their last sample is past retain_for, prune() drops each interval
// as soon as it is past: memory is bounded by retain_for / sample_interval samples per pattern.
//
// Thread-safety: none; the owner locks.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>

namespace pattern {

struct Sample {
  int64_t ts_ms = 0;  // start of the interval (or step), Unix milliseconds
  int64_t count = 0;
  bool operator==(const Sample&) const = default;
};

class SampleBuckets {
 public:
  explicit SampleBuckets(int64_t interval_ms) : interval_ms_(interval_ms) {}

  // Counts one line at `ts_ns`; false when it is older than the newest interval (not counted).
  bool add(int64_t ts_ns);
  // Drops the intervals that start before `cutoff_ms`; returns how many lines they held.
  int64_t prune(int64_t cutoff_ms);
  int64_t total() const { return total_; }
  bool empty() const { return samples_.empty(); }
  size_t size() const { return samples_.size(); }

  // The counts of [start_ms, end_ms) summed per step (step >= the interval), each at the start
  // of its step (ts - ts % step), in time order; steps without lines are left out.
  void for_range(int64_t start_ms, int64_t end_ms, int64_t step_ms,
                 const std::function<void(const Sample&)>& emit) const;

 private:
  int64_t interval_ms_;
  std::deque<Sample> samples_;
  int64_t total_ = 0;
};

}  // namespace pattern
