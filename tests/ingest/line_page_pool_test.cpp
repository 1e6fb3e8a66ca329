#include "ingest/line_page_pool.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "ingest/head_block.h"

TEST_CASE("line page pool: pages are aligned, reused, and at most max_pages are kept") {
  ingest::LinePagePool pool(2);
  char* a = pool.take();
  char* b = pool.take();
  char* c = pool.take();
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  CHECK(reinterpret_cast<uintptr_t>(a) % ingest::LinePagePool::kPageSize == 0);
  std::memset(a, 'x', ingest::LinePagePool::kPageSize);  // the whole page is usable
  pool.give_back(a);
  pool.give_back(b);
  pool.give_back(c);  // over the bound: freed
  CHECK(pool.free_pages() == 2);
  char* again = pool.take();
  CHECK((again == a || again == b));
  CHECK(pool.free_pages() == 1);
  pool.give_back(again);
}

TEST_CASE("head block: lines larger than a page and many pages keep their bytes") {
  ingest::HeadBlock head;
  std::string big(ingest::LinePagePool::kPageSize + 10, 'b');
  std::string line(1000, 'l');
  for (int i = 0; i < 5000; ++i) REQUIRE(head.append(i, line + std::to_string(i), {}));
  REQUIRE(head.append(5000, big, {}));
  head.seal();
  REQUIRE(head.sorted().size() == 5001);
  CHECK(head.sorted()[0].line() == line + "0");
  CHECK(head.sorted()[4999].line() == line + "4999");
  CHECK(head.sorted()[5000].line() == big);
}
