// HugePageSlots: buffers of 256 KiB to 2 MiB (powers of two) carved out of 2 MiB pages that are
// marked MADV_HUGEPAGE, and recycled through a free list per size.
//
// Why: on a hypervisor, the first touch of each 4 KiB page of fresh memory costs 10-20 us
// (a trap to the host); a fresh 256 KiB buffer cost about 750 us to fill, against about 40 us
// when it lies in a huge page that is already faulted in. A stored query decompresses every
// block into such a buffer, so fresh buffers were a fifth of a one-shot `logcli --store` query
// and most of what two read threads cost over one. Where transparent huge pages are off, the
// pages are faulted in 4 KiB at a time as before; only the recycling remains.
//
// The pool never returns pages to the system: it owns at most `max_pages` pages, and a request it
// cannot serve within that bound is refused (the caller allocates normally). Thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <vector>

namespace util {

class HugePageSlots {
 public:
  static constexpr size_t kPageSize = size_t{2} << 20;
  static constexpr size_t kMinSlotSize = size_t{256} << 10;

  struct Slot {
    char* data = nullptr;
    size_t size = 0;  // the slot's capacity, >= what was asked for
  };

  explicit HugePageSlots(size_t max_pages) : max_pages_(max_pages) {}
  ~HugePageSlots();
  HugePageSlots(const HugePageSlots&) = delete;
  HugePageSlots& operator=(const HugePageSlots&) = delete;

  // The process's pool: 16 pages (32 MiB) at most; never destroyed, as buffers may be given back
  // by threads still running at exit.
  static HugePageSlots& shared();

  // A slot of at least `bytes` (contents undefined), or an empty Slot when `bytes` is above
  // kPageSize or every page is in use. Give it back with give_back().
  Slot take(size_t bytes);
  void give_back(Slot slot);

  size_t pages() const;

 private:
  static constexpr size_t kSizes = 4;  // 256 KiB, 512 KiB, 1 MiB, 2 MiB

  const size_t max_pages_;
  mutable std::mutex mu_;
  std::vector<char*> pages_;
  std::array<std::vector<char*>, kSizes> free_;  // free slots, per size
};

}  // namespace util
