// Set operations on postings: sorted, duplicate-free lists of series IDs. Pure functions.
#pragma once

#include <cstdint>
#include <vector>

namespace idx {

using Postings = std::vector<uint32_t>;

// Intersection of all lists (smallest first, so the work is bounded by the most selective one).
Postings intersect(std::vector<Postings> lists);
// Union of all lists.
Postings unite(std::vector<Postings> lists);
// Elements of `a` not in `b`.
Postings subtract(const Postings& a, const Postings& b);

}  // namespace idx
