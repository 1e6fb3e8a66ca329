#include "cluster/query_split.h"

#include <algorithm>

namespace cluster {
namespace {

// The largest multiple of `interval` at or below `t` (also for negative times).
int64_t floor_to(int64_t t, int64_t interval) {
  int64_t q = t / interval;
  if (t % interval != 0 && t < 0) --q;
  return q * interval;
}

}  // namespace

std::vector<logql::QueryParams> split_by_interval(const logql::QueryParams& p, bool log_query, int64_t interval) {
  if (interval <= 0 || p.instant) return {p};
  std::vector<logql::QueryParams> out;
  if (log_query) {
    if (p.interval != 0 || p.end <= p.start) return {p};
    for (int64_t b = floor_to(p.start, interval); b < p.end; b += interval) {
      logql::QueryParams piece = p;
      piece.start = std::max(p.start, b);
      piece.end = std::min(p.end, b + interval);
      out.push_back(piece);
    }
    if (p.direction == logql::Direction::Backward) std::reverse(out.begin(), out.end());
    return out;
  }
  if (p.step <= 0 || p.end < p.start) return {p};
  for (int64_t b = floor_to(p.start, interval); b <= p.end; b += interval) {
    const int64_t lo = std::max(p.start, b);
    const int64_t hi = std::min(p.end, b + interval - 1);
    // First and last step of the query in [lo, hi].
    const int64_t first = p.start + (lo - p.start + p.step - 1) / p.step * p.step;
    const int64_t last = p.start + (hi - p.start) / p.step * p.step;
    if (first > last) continue;
    logql::QueryParams piece = p;
    piece.start = first;
    piece.end = last;
    out.push_back(piece);
  }
  return out;
}

}  // namespace cluster
