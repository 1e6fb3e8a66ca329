#include "ingest/line_page_pool.h"

#include <sys/mman.h>

#include <cstdlib>

namespace ingest {

LinePagePool::~LinePagePool() {
  for (char* p : free_) std::free(p);
}

LinePagePool& LinePagePool::shared() {
  static LinePagePool* pool = new LinePagePool(16);  // never destroyed: head blocks may outlive statics
  return *pool;
}

char* LinePagePool::take() {
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      char* page = free_.back();
      free_.pop_back();
      return page;
    }
  }
  auto* page = static_cast<char*>(std::aligned_alloc(kPageSize, kPageSize));
  // Advice only: without transparent huge pages the page is simply faulted in 4 KiB at a time.
  if (page) (void)madvise(page, kPageSize, MADV_HUGEPAGE);
  return page;
}

void LinePagePool::give_back(char* page) {
  if (!page) return;
  {
    std::lock_guard lock(mu_);
    if (free_.size() < max_pages_) {
      free_.push_back(page);
      return;
    }
  }
  std::free(page);
}

size_t LinePagePool::free_pages() const {
  std::lock_guard lock(mu_);
  return free_.size();
}

}  // namespace ingest
