// DuplicateFilter: decides which of a group of same-stream, same-timestamp entries coming from
// several sources (overlapping chunks of a series, or the ingester and the store) to keep.
//
// The rule is a multiset union: for each distinct line, keep the occurrences of the source that
// has the most of them and drop the others. So an entry present in two sources comes out once,
// while identical entries that one source really holds several times (Loki keeps same-timestamp
// entries with different lines, and a re-flush may repeat a whole chunk) are not collapsed below
// what any single source holds. Not thread-safe: one per iterator (it reuses its scratch space).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace store {

class DuplicateFilter {
 public:
  struct Item {
    std::string_view line;
    uint32_t source;
  };
  // Sets keep[i] for items[0..n). Items of one source must be in that source's order; the
  // decision only depends on counts, so callers emit kept items in their original order.
  void mark(const Item* items, size_t n, std::vector<char>& keep);

 private:
  std::vector<uint32_t> order_;
};

}  // namespace store
