#include "query/volume.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

#include "logql/parser.h"
#include "model/time.h"

namespace query {
namespace {

constexpr const char* kTenantLabel = "__tenant_id__";

// One time bucket of a request: [lo, hi), reported at `stamp`.
struct Bucket {
  int64_t lo = 0, hi = 0, stamp = 0;
};

int64_t floor_to(int64_t t, int64_t step) {
  int64_t r = t % step;
  return r < 0 ? t - r - step : t - r;
}

std::vector<Bucket> buckets_of(const VolumeRequest& r) {
  if (r.step <= 0 || r.end <= r.start) return {Bucket{r.start, r.end, r.end}};
  std::vector<Bucket> out;
  for (int64_t b = floor_to(r.start, r.step); b < r.end; b += r.step) {
    Bucket k;
    k.lo = std::max(b, r.start);
    k.hi = std::min<int64_t>(b + r.step, r.end);
    k.stamp = b + r.step >= r.end ? r.end : b + r.step - model::kNanosPerMilli;
    out.push_back(k);
  }
  return out;
}

// The labels the aggregation keeps, and whether a match-all selector keeps every one.
struct KeptLabels {
  std::set<std::string, std::less<>> names;
  bool all = false;
};

KeptLabels kept_labels(const VolumeRequest& r) {
  KeptLabels k;
  if (!r.target_labels.empty()) {
    k.names.insert(r.target_labels.begin(), r.target_labels.end());
    return k;
  }
  for (const auto& m : r.matchers)
    if (m.name != kTenantLabel) k.names.insert(m.name);
  k.all = r.matchers.empty();
  return k;
}

}  // namespace

util::Result<std::vector<logql::ast::Matcher>> parse_volume_selector(std::string_view query) {
  std::string_view trimmed = query;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
  if (trimmed == "{}") return std::vector<logql::ast::Matcher>{};
  auto m = logql::parse_matchers(query);
  if (!m.ok()) return util::prefixed("volume needs a stream selector: ", m.status_error());
  return m;
}

std::vector<logql::ast::Matcher> volume_selection(const VolumeRequest& request) {
  std::vector<logql::ast::Matcher> out = request.matchers;
  for (const auto& t : request.target_labels) {
    bool named = std::any_of(out.begin(), out.end(), [&](const logql::ast::Matcher& m) { return m.name == t; });
    if (!named) out.push_back(logql::ast::Matcher{t, logql::ast::MatchOp::Re, ".+"});
  }
  return out;
}

uint64_t prorated_bytes(const store::ChunkSpan& span, int64_t lo, int64_t hi) {
  // The span covers [min_time, max_time] inclusive: max_time - min_time + 1 nanoseconds. The
  // bytes before time t are floor(bytes * elapsed / len), so the parts of a split telescope.
  const __int128 len = static_cast<__int128>(span.max_time) - span.min_time + 1;
  if (len <= 0 || hi <= lo) return 0;
  auto before = [&](int64_t t) -> __int128 {
    __int128 elapsed = std::clamp<__int128>(static_cast<__int128>(t) - span.min_time, 0, len);
    return static_cast<__int128>(span.bytes) * elapsed / len;
  };
  return static_cast<uint64_t>(before(hi) - before(lo));
}

std::vector<VolumeSeries> aggregate_volume(const std::vector<store::StreamSpans>& streams,
                                           const VolumeRequest& request) {
  const KeptLabels kept = kept_labels(request);
  const bool by_labels = request.aggregate_by == VolumeAggregation::kLabels;
  std::vector<Bucket> buckets = buckets_of(request);

  // Every distinct series gets an index; a stream adds its bytes to one series (by series) or
  // to one per kept label name (by labels).
  std::unordered_map<std::string, uint32_t> index_of;
  std::vector<std::vector<model::Label>> series_labels;
  std::vector<std::string> series_names;
  // series_names: the rendered labels (`{a="b"}`, or the label name), Loki's tie-break order.
  auto intern = [&](const std::string& key, auto&& make_metric) {
    auto [it, inserted] = index_of.emplace(key, static_cast<uint32_t>(series_labels.size()));
    if (inserted) {
      series_labels.push_back(make_metric());
      const auto& m = series_labels.back();
      series_names.push_back(by_labels ? m.front().name : model::LabelSet::from_sorted(m).to_string());
    }
    return it->second;
  };
  std::vector<std::unordered_map<uint32_t, uint64_t>> per_bucket(buckets.size());
  std::vector<uint32_t> targets;
  std::string key;
  for (const auto& stream : streams) {
    targets.clear();
    if (by_labels) {
      for (const auto& l : stream.labels) {
        bool keep = request.target_labels.empty() ? l.name != kTenantLabel : kept.names.count(l.name) > 0;
        if (keep) targets.push_back(intern(l.name, [&] { return std::vector<model::Label>{{l.name, ""}}; }));
      }
    } else {
      // The series' key: its kept labels, each name and value followed by 0xff, a byte no
      // valid UTF-8 label holds.
      key.clear();
      for (const auto& l : stream.labels) {
        if ((kept.all && l.name != kTenantLabel) || kept.names.count(l.name)) {
          key.append(l.name).push_back('\xff');
          key.append(l.value).push_back('\xff');
        }
      }
      targets.push_back(intern(key, [&] {
        std::vector<model::Label> ls;
        for (const auto& l : stream.labels)
          if ((kept.all && l.name != kTenantLabel) || kept.names.count(l.name)) ls.push_back(l);
        return ls;
      }));
    }
    if (targets.empty()) continue;
    for (const auto& span : stream.spans) {
      // The buckets this span can touch, found by search rather than a scan of all of them.
      auto first = std::upper_bound(buckets.begin(), buckets.end(), span.min_time,
                                    [](int64_t t, const Bucket& b) { return t < b.hi; });
      for (auto it = first; it != buckets.end() && it->lo <= span.max_time; ++it) {
        uint64_t bytes = prorated_bytes(span, it->lo, it->hi);
        if (bytes == 0) continue;
        auto& acc = per_bucket[static_cast<size_t>(it - buckets.begin())];
        for (uint32_t t : targets) acc[t] += bytes;
      }
    }
  }

  std::vector<VolumeSeries> out;
  std::unordered_map<uint32_t, size_t> out_index;
  std::vector<std::pair<uint64_t, uint32_t>> ranked;
  for (size_t b = 0; b < buckets.size(); ++b) {
    ranked.clear();
    for (const auto& [s, bytes] : per_bucket[b]) ranked.emplace_back(bytes, s);
    auto larger = [&](const std::pair<uint64_t, uint32_t>& x, const std::pair<uint64_t, uint32_t>& y) {
      if (x.first != y.first) return x.first > y.first;
      return series_names[x.second] < series_names[y.second];
    };
    if (request.limit > 0 && ranked.size() > request.limit) {
      std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(request.limit), ranked.end(),
                       larger);
      ranked.resize(request.limit);
    }
    for (const auto& [bytes, s] : ranked) {
      auto [it, inserted] = out_index.emplace(s, out.size());
      if (inserted) out.push_back(VolumeSeries{series_labels[s], {}});
      out[it->second].points.push_back(VolumePoint{buckets[b].stamp, bytes});
    }
  }
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<std::string> names(out.size());
  for (const auto& [s, i] : out_index) names[i] = series_names[s];
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (out[a].points[0].bytes != out[b].points[0].bytes) return out[a].points[0].bytes > out[b].points[0].bytes;
    return names[a] < names[b];
  });
  std::vector<VolumeSeries> sorted;
  sorted.reserve(out.size());
  for (size_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace query
