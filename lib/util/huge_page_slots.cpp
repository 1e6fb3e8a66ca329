#include "util/huge_page_slots.h"

#include <sys/mman.h>

#include <cstdlib>

namespace util {

HugePageSlots::~HugePageSlots() {
  for (char* p : pages_) std::free(p);
}

HugePageSlots& HugePageSlots::shared() {
  static auto* pool = new HugePageSlots(16);
  return *pool;
}

HugePageSlots::Slot HugePageSlots::take(size_t bytes) {
  if (bytes > kPageSize) return {};
  size_t size_class = 0;
  size_t size = kMinSlotSize;
  while (size < bytes) {
    size <<= 1;
    ++size_class;
  }
  std::lock_guard lock(mu_);
  auto& free = free_[size_class];
  if (free.empty()) {
    if (pages_.size() >= max_pages_) return {};
    auto* page = static_cast<char*>(std::aligned_alloc(kPageSize, kPageSize));
    if (!page) return {};
    // Advice only: without transparent huge pages the page is faulted in 4 KiB at a time.
    (void)madvise(page, kPageSize, MADV_HUGEPAGE);
    pages_.push_back(page);
    for (size_t at = kPageSize; at > 0; at -= size) free.push_back(page + at - size);
  }
  char* data = free.back();
  free.pop_back();
  return {data, size};
}

void HugePageSlots::give_back(Slot slot) {
  if (!slot.data) return;
  size_t size_class = 0;
  for (size_t size = kMinSlotSize; size < slot.size; size <<= 1) ++size_class;
  std::lock_guard lock(mu_);
  free_[size_class].push_back(slot.data);
}

size_t HugePageSlots::pages() const {
  std::lock_guard lock(mu_);
  return pages_.size();
}

}  // namespace util
