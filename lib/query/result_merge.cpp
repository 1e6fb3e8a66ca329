#include "query/result_merge.h"

#include <algorithm>
#include <map>

namespace query {

logql::QueryResult merge_matrix_pieces(std::vector<logql::QueryResult> pieces) {
  if (pieces.empty()) return logql::QueryResult{logql::ResultType::Matrix, {}, {}, {}, {}};
  logql::QueryResult merged = std::move(pieces[0]);
  if (merged.type != logql::ResultType::Matrix) return merged;
  std::map<model::LabelSet, size_t> index;
  for (size_t i = 0; i < merged.matrix.size(); ++i) index.emplace(merged.matrix[i].labels, i);
  for (size_t i = 1; i < pieces.size(); ++i) {
    for (auto& s : pieces[i].matrix) {
      auto [it, inserted] = index.emplace(s.labels, merged.matrix.size());
      if (inserted) {
        merged.matrix.push_back(std::move(s));
      } else {
        auto& pts = merged.matrix[it->second].points;
        pts.insert(pts.end(), s.points.begin(), s.points.end());
      }
    }
  }
  std::sort(merged.matrix.begin(), merged.matrix.end(),
            [](const logql::Series& a, const logql::Series& b) { return a.labels < b.labels; });
  return merged;
}

logql::QueryResult merge_stream_pieces(std::vector<logql::QueryResult> pieces, logql::Direction direction,
                                       uint32_t limit) {
  logql::QueryResult out;
  out.type = logql::ResultType::Streams;
  const bool forward = direction == logql::Direction::Forward;
  std::map<model::LabelSet, size_t> index;  // stream -> position in out.streams
  uint64_t taken = 0;
  for (auto& piece : pieces) {
    if (limit != 0 && taken >= limit) break;
    // The piece's entries across its streams in direction order (stable: a stream keeps its order).
    struct Ref {
      int64_t ts;
      size_t stream;
      size_t entry;
    };
    std::vector<Ref> refs;
    for (size_t s = 0; s < piece.streams.size(); ++s)
      for (size_t e = 0; e < piece.streams[s].entries.size(); ++e)
        refs.push_back({piece.streams[s].entries[e].timestamp, s, e});
    std::stable_sort(refs.begin(), refs.end(),
                     [&](const Ref& a, const Ref& b) { return forward ? a.ts < b.ts : a.ts > b.ts; });
    if (limit != 0 && refs.size() > limit - taken) refs.resize(limit - taken);
    taken += refs.size();
    // Keep each stream's entries in their order within the piece.
    std::sort(refs.begin(), refs.end(),
              [](const Ref& a, const Ref& b) { return a.stream != b.stream ? a.stream < b.stream : a.entry < b.entry; });
    for (const Ref& r : refs) {
      logql::Stream& from = piece.streams[r.stream];
      auto [it, fresh] = index.try_emplace(from.labels, out.streams.size());
      if (fresh) out.streams.push_back({from.labels, {}});
      out.streams[it->second].entries.push_back(std::move(from.entries[r.entry]));
    }
  }
  std::sort(out.streams.begin(), out.streams.end(), [](const logql::Stream& a, const logql::Stream& b) {
    return model::compare_rendered(a.labels, b.labels) < 0;
  });
  return out;
}

}  // namespace query
