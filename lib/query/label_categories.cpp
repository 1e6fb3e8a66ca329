#include "query/label_categories.h"

#include <algorithm>
#include <map>

namespace query {

model::LabelSet merged_entry_labels(const model::LabelSet& stream, const model::Entry& entry) {
  if (entry.metadata.empty() && entry.parsed.empty()) return stream;
  std::vector<model::Label> all(stream.begin(), stream.end());
  all.insert(all.end(), entry.metadata.begin(), entry.metadata.end());
  all.insert(all.end(), entry.parsed.begin(), entry.parsed.end());
  return model::LabelSet::from_unsorted(std::move(all));  // the last value of a name wins
}

std::vector<logql::Stream> merge_label_categories(std::vector<logql::Stream> streams, logql::Direction direction) {
  std::map<model::LabelSet, size_t> index;
  std::vector<logql::Stream> out;
  std::vector<size_t> source;  // per output stream: the input stream its entries came from
  bool mixed = false;          // an output stream holds entries of two input streams
  for (size_t i = 0; i < streams.size(); ++i) {
    for (auto& e : streams[i].entries) {
      model::LabelSet labels = merged_entry_labels(streams[i].labels, e);
      auto [it, fresh] = index.try_emplace(std::move(labels), out.size());
      if (fresh) {
        out.push_back({it->first, {}});
        source.push_back(i);
      }
      mixed = mixed || source[it->second] != i;
      out[it->second].entries.push_back(std::move(e));
    }
  }
  const bool forward = direction == logql::Direction::Forward;
  if (mixed) {  // each input stream's entries are already in order
    for (auto& s : out) {
      std::stable_sort(s.entries.begin(), s.entries.end(), [&](const model::Entry& a, const model::Entry& b) {
        return forward ? a.timestamp < b.timestamp : a.timestamp > b.timestamp;
      });
    }
  }
  std::sort(out.begin(), out.end(), [](const logql::Stream& a, const logql::Stream& b) {
    return model::compare_rendered(a.labels, b.labels) < 0;
  });
  return out;
}

}  // namespace query
