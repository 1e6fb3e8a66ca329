#include "pattern/pattern_series.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace pattern {

int64_t PatternSeries::total() const {
  int64_t n = 0;
  for (const auto& s : samples) n += s.count;
  return n;
}

int64_t StreamPatterns::total() const {
  int64_t n = 0;
  for (const auto& s : series) n += s.total();
  return n;
}

std::vector<PatternSeries> merge_series(std::vector<PatternSeries> series) {
  std::map<std::pair<std::string, std::string>, std::map<int64_t, int64_t>> sums;
  for (auto& s : series) {
    auto& counts = sums[{std::move(s.pattern), std::move(s.level)}];
    for (const auto& sample : s.samples) counts[sample.ts_ms] += sample.count;
  }
  std::vector<PatternSeries> out;
  out.reserve(sums.size());
  for (auto& [key, counts] : sums) {
    PatternSeries s{key.first, key.second, {}};
    s.samples.reserve(counts.size());
    for (const auto& [ts, n] : counts) s.samples.push_back({ts, n});
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<StreamPatterns> dedupe_replicas(std::vector<std::vector<StreamPatterns>> per_ingester) {
  std::map<model::LabelSet, StreamPatterns> best;
  std::map<model::LabelSet, int64_t> best_total;
  for (auto& answer : per_ingester) {
    for (auto& stream : answer) {
      const int64_t total = stream.total();
      auto it = best_total.find(stream.labels);
      if (it != best_total.end() && it->second >= total) continue;
      best_total[stream.labels] = total;
      model::LabelSet key = stream.labels;
      best[std::move(key)] = std::move(stream);
    }
  }
  std::vector<StreamPatterns> out;
  out.reserve(best.size());
  for (auto& [labels, s] : best) out.push_back(std::move(s));
  return out;
}

std::vector<PatternSeries> top_patterns(std::vector<StreamPatterns> streams) {
  std::vector<PatternSeries> all;
  for (auto& stream : streams) {
    for (auto& s : stream.series) all.push_back(std::move(s));
  }
  std::vector<PatternSeries> merged = merge_series(std::move(all));
  std::vector<std::pair<int64_t, PatternSeries>> ranked;
  ranked.reserve(merged.size());
  for (auto& s : merged) {
    const int64_t total = s.total();
    if (total >= kMinPatternTotal) ranked.emplace_back(total, std::move(s));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<PatternSeries> out;
  for (auto& [total, s] : ranked) {
    if (out.size() == kMaxPatterns) break;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace pattern
