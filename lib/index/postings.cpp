#include "index/postings.h"

#include <algorithm>
#include <iterator>

namespace idx {

Postings intersect(std::vector<Postings> lists) {
  if (lists.empty()) return {};
  std::sort(lists.begin(), lists.end(), [](const Postings& a, const Postings& b) { return a.size() < b.size(); });
  Postings acc = std::move(lists[0]);
  Postings tmp;
  for (size_t i = 1; i < lists.size() && !acc.empty(); ++i) {
    tmp.clear();
    const Postings& other = lists[i];
    // Gallop through the larger list: a selective matcher against a huge one costs
    // O(small * log(large)), not O(large).
    auto lo = other.begin();
    for (uint32_t id : acc) {
      lo = std::lower_bound(lo, other.end(), id);
      if (lo == other.end()) break;
      if (*lo == id) tmp.push_back(id);
    }
    acc.swap(tmp);
  }
  return acc;
}

Postings unite(std::vector<Postings> lists) {
  if (lists.empty()) return {};
  if (lists.size() == 1) return std::move(lists[0]);
  Postings out;
  size_t total = 0;
  for (const auto& l : lists) total += l.size();
  out.reserve(total);
  for (const auto& l : lists) out.insert(out.end(), l.begin(), l.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Postings subtract(const Postings& a, const Postings& b) {
  if (b.empty()) return a;
  Postings out;
  out.reserve(a.size());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace idx
