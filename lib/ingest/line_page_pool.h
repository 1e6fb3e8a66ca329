// LinePagePool: the 2 MiB pages that head blocks copy log lines into. Pages are 2 MiB-aligned and
// marked MADV_HUGEPAGE, so where transparent huge pages are enabled ("madvise", Debian's default)
// a page costs one page fault instead of 512; and a cut head's pages go back to a bounded
// process-wide free list for the next head block, already faulted in. Page faults on fresh line
// memory were about a fifth of logd's ingest CPU (perf, cpu-clock) before.
//
// Thread-safe (one mutex; taken once per 2 MiB of lines).
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

namespace ingest {

class LinePagePool {
 public:
  static constexpr size_t kPageSize = 2 << 20;

  // `max_pages` pages at most are kept (bounding the memory held while idle).
  explicit LinePagePool(size_t max_pages) : max_pages_(max_pages) {}
  ~LinePagePool();
  LinePagePool(const LinePagePool&) = delete;
  LinePagePool& operator=(const LinePagePool&) = delete;

  // The process's pool (16 pages, 32 MiB, at most).
  static LinePagePool& shared();

  // A page of kPageSize bytes (reused when one is free, its contents undefined), or nullptr
  // when out of memory. Release it with give_back().
  char* take();
  // Keeps `page` (from take()) for reuse, or frees it when the pool is full.
  void give_back(char* page);
  size_t free_pages() const;

 private:
  const size_t max_pages_;
  mutable std::mutex mu_;
  std::vector<char*> free_;
};

}  // namespace ingest
