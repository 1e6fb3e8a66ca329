#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "chunk/block_codec.h"
#include "util/huge_page_slots.h"

using util::HugePageSlots;

TEST_CASE("huge page slots: sizes round up to a power of two from 256 KiB, within 2 MiB pages") {
  HugePageSlots pool(4);
  auto a = pool.take(1);
  CHECK(a.size == 256 * 1024);
  auto b = pool.take(256 * 1024 + 1);
  CHECK(b.size == 512 * 1024);
  auto c = pool.take(2 << 20);
  CHECK(c.size == size_t{2} << 20);
  CHECK(pool.take((2 << 20) + 1).data == nullptr);  // above a page: the caller allocates
  CHECK(pool.pages() == 3);                          // one page per size used so far
  // Every slot lies inside one 2 MiB-aligned page.
  for (auto s : {a, b, c}) {
    auto at = reinterpret_cast<uintptr_t>(s.data);
    CHECK(at / HugePageSlots::kPageSize == (at + s.size - 1) / HugePageSlots::kPageSize);
  }
  std::memset(a.data, 1, a.size);  // the whole slot is usable
  pool.give_back(a);
  pool.give_back(b);
  pool.give_back(c);
}

TEST_CASE("huge page slots: one page gives 8 distinct 256 KiB slots; given-back slots are reused") {
  HugePageSlots pool(1);
  std::vector<HugePageSlots::Slot> slots;
  std::set<char*> seen;
  for (int i = 0; i < 8; ++i) {
    slots.push_back(pool.take(100));
    REQUIRE(slots.back().data != nullptr);
    seen.insert(slots.back().data);
  }
  CHECK(seen.size() == 8);
  CHECK(pool.take(100).data == nullptr);  // the bound: no ninth slot, no second page
  CHECK(pool.pages() == 1);
  char* back = slots[3].data;
  pool.give_back(slots[3]);
  CHECK(pool.take(200 * 1024).data == back);
  CHECK(pool.take(100).data == nullptr);
}

TEST_CASE("block buffer: grows past a slot, keeps its bytes' capacity, moves without copying") {
  chunk::BlockBuffer buf;
  char* p = buf.reserve(1000);
  REQUIRE(p != nullptr);
  std::memset(p, 7, 1000);
  CHECK(buf.reserve(256 * 1024) == p);  // within the slot: same memory
  char* big = buf.reserve(3 << 20);     // larger than any slot: allocated normally
  REQUIRE(big != nullptr);
  std::memset(big, 1, 3 << 20);
  chunk::BlockBuffer moved(std::move(buf));
  CHECK(moved.reserve(3 << 20) == big);
}
