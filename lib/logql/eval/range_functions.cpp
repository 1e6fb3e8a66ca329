#include "logql/eval/range_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace logql {
namespace {

double seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }

// Loki's rate_counter is Prometheus' extrapolatedRate applied to nanosecond sample times while
// the range is subtracted in milliseconds, so "durations" are in microseconds and the window
// start sits range_ms microseconds before the first sample; the end boundary is the last
// sample. We reproduce that arithmetic exactly so results match Loki bit for bit.
double rate_counter(const std::deque<WindowPoint>& pts, int64_t range_ns) {
  if (pts.size() < 2) return 0;
  const int64_t range_ms = range_ns / 1'000'000;
  const int64_t first_t = pts.front().t, last_t = pts.back().t;
  const int64_t range_start = first_t - range_ms;
  const int64_t range_end = last_t;

  double result = pts.back().v - pts.front().v;
  double last_value = 0;
  for (const auto& p : pts) {
    if (p.v < last_value) result += last_value;  // counter reset
    last_value = p.v;
  }
  double to_start = static_cast<double>(first_t - range_start) / 1000;
  double to_end = static_cast<double>(range_end - last_t) / 1000;
  double sampled = static_cast<double>(last_t - first_t) / 1000;
  double avg_between = sampled / static_cast<double>(pts.size() - 1);

  if (result > 0 && pts.front().v >= 0) {
    // A counter cannot go below zero: do not extrapolate past where it would hit zero.
    double to_zero = sampled * (pts.front().v / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  double threshold = avg_between * 1.1;
  double extrapolate_to = sampled;
  extrapolate_to += to_start < threshold ? to_start : avg_between / 2;
  extrapolate_to += to_end < threshold ? to_end : avg_between / 2;
  result = result * (extrapolate_to / sampled);
  return result / seconds(range_ns);
}

double sum(const std::deque<WindowPoint>& pts) {
  double s = 0;
  for (const auto& p : pts) s += p.v;
  return s;
}

// Welford's online variance, as Loki computes stdvar/stddev_over_time.
double variance(const std::deque<WindowPoint>& pts) {
  double aux = 0, count = 0, mean = 0;
  for (const auto& p : pts) {
    count++;
    double delta = p.v - mean;
    mean += delta / count;
    aux += delta * (p.v - mean);
  }
  return aux / count;
}

double average(const std::deque<WindowPoint>& pts) {
  double mean = 0, count = 0;
  for (const auto& p : pts) {
    count++;
    if (std::isinf(mean)) {
      // Inf - Inf would turn a correct infinite mean into NaN.
      if (std::isinf(p.v) && (mean > 0) == (p.v > 0)) continue;
      if (!std::isinf(p.v) && !std::isnan(p.v)) continue;
    }
    mean += p.v / count - mean / count;
  }
  return mean;
}

}  // namespace

double quantile(double q, std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  // NaNs sort first, as in Prometheus' ordering by value.
  std::sort(values.begin(), values.end(), [](double a, double b) { return a < b || (std::isnan(a) && !std::isnan(b)); });
  double n = static_cast<double>(values.size());
  double rank = q * (n - 1);
  double lower = std::max(0.0, std::floor(rank));
  double upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) + values[static_cast<size_t>(upper)] * weight;
}

double aggregate_window(ast::RangeOp op, const std::deque<WindowPoint>& pts, int64_t range_ns,
                        std::optional<double> param, bool unwrapped) {
  using ast::RangeOp;
  switch (op) {
    case RangeOp::Rate:
      // rate over an unwrapped range is the per-second sum of the values, not a counter rate.
      return (unwrapped ? sum(pts) : static_cast<double>(pts.size())) / seconds(range_ns);
    case RangeOp::RateCounter: return rate_counter(pts, range_ns);
    case RangeOp::CountOverTime: return static_cast<double>(pts.size());
    case RangeOp::BytesRate: return sum(pts) / seconds(range_ns);
    case RangeOp::BytesOverTime:
    case RangeOp::SumOverTime: return sum(pts);
    case RangeOp::AbsentOverTime: return 1;
    case RangeOp::AvgOverTime: return average(pts);
    case RangeOp::MinOverTime: {
      double m = pts.front().v;
      for (const auto& p : pts)
        if (p.v < m || std::isnan(m)) m = p.v;
      return m;
    }
    case RangeOp::MaxOverTime: {
      double m = pts.front().v;
      for (const auto& p : pts)
        if (p.v > m || std::isnan(m)) m = p.v;
      return m;
    }
    case RangeOp::StdvarOverTime: return variance(pts);
    case RangeOp::StddevOverTime: return std::sqrt(variance(pts));
    case RangeOp::QuantileOverTime: {
      std::vector<double> values;
      values.reserve(pts.size());
      for (const auto& p : pts) values.push_back(p.v);
      return quantile(param.value_or(0), values);
    }
    case RangeOp::FirstOverTime: return pts.front().v;
    case RangeOp::LastOverTime: return pts.back().v;
  }
  return 0;
}

}  // namespace logql
