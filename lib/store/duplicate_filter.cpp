#include "store/duplicate_filter.h"

#include <algorithm>
#include <tuple>

namespace store {

void DuplicateFilter::mark(const Item* items, size_t n, std::vector<char>& keep) {
  keep.assign(n, 1);
  if (n < 2) return;
  order_.resize(n);
  for (size_t i = 0; i < n; ++i) order_[i] = static_cast<uint32_t>(i);
  std::sort(order_.begin(), order_.end(), [items](uint32_t a, uint32_t b) {
    return std::tie(items[a].line, items[a].source, a) < std::tie(items[b].line, items[b].source, b);
  });
  size_t i = 0;
  while (i < n) {
    // One run of equal lines, itself made of one sub-run per source.
    size_t run_end = i + 1;
    while (run_end < n && items[order_[run_end]].line == items[order_[i]].line) ++run_end;
    size_t best_begin = i, best_count = 0;
    for (size_t s = i; s < run_end;) {
      size_t e = s + 1;
      while (e < run_end && items[order_[e]].source == items[order_[s]].source) ++e;
      if (e - s > best_count) best_begin = s, best_count = e - s;
      s = e;
    }
    for (size_t k = i; k < run_end; ++k) {
      if (k < best_begin || k >= best_begin + best_count) keep[order_[k]] = 0;
    }
    i = run_end;
  }
}

}  // namespace store
