#include <doctest/doctest.h>

#include "store/duplicate_filter.h"
#include "store/layout.h"

TEST_CASE("store layout: period directory names are UTC dates and parse back") {
  CHECK(store::period_dir_name(0) == "1970-01-01");
  CHECK(store::period_dir_name(19723) == "2024-01-01");  // 19723 days after the epoch
  CHECK(store::period_dir_name(-1) == "1969-12-31");
  CHECK(store::parse_period_dir_name("2024-01-01") == 19723);
  CHECK(store::parse_period_dir_name("1970-01-01") == 0);
  CHECK(store::parse_period_dir_name("2024-02-29") == 19782);
  CHECK_FALSE(store::parse_period_dir_name("2023-02-29").has_value());
  CHECK_FALSE(store::parse_period_dir_name("2024-1-01").has_value());
  CHECK_FALSE(store::parse_period_dir_name("2024-01-01.tmp").has_value());
  CHECK_FALSE(store::parse_period_dir_name("..").has_value());
  CHECK_FALSE(store::parse_period_dir_name("abcd-ef-gh").has_value());
}

TEST_CASE("store layout: chunk file names carry fingerprint, range and checksum") {
  CHECK(store::chunk_file_name(0xabcULL, 5, 17, 0xdeadbeef) == "0000000000000abc-5-17-deadbeef.chunk");
  CHECK(store::chunk_file_name(~0ULL, -3, 9, 1) == "ffffffffffffffff--3-9-00000001.chunk");
}

TEST_CASE("store layout: tenant names that could escape the store are refused") {
  CHECK(store::check_tenant_dir_name("fake").ok());
  CHECK(store::check_tenant_dir_name("team-a_1.prod").ok());
  CHECK_FALSE(store::check_tenant_dir_name("").ok());
  CHECK_FALSE(store::check_tenant_dir_name(".").ok());
  CHECK_FALSE(store::check_tenant_dir_name("..").ok());
  CHECK_FALSE(store::check_tenant_dir_name("a/b").ok());
  CHECK_FALSE(store::check_tenant_dir_name(std::string("a\0b", 3)).ok());
}

TEST_CASE("store duplicate filter: multiset union across sources") {
  store::DuplicateFilter f;
  std::vector<char> keep;
  using I = store::DuplicateFilter::Item;

  SUBCASE("one item is kept") {
    I items[] = {{"a", 0}};
    f.mark(items, 1, keep);
    CHECK(keep == std::vector<char>{1});
  }
  SUBCASE("the same line from two sources is kept once") {
    I items[] = {{"a", 0}, {"a", 1}};
    f.mark(items, 2, keep);
    CHECK(keep == std::vector<char>{1, 0});
  }
  SUBCASE("different lines with one timestamp are all kept") {
    I items[] = {{"a", 0}, {"b", 0}, {"c", 1}};
    f.mark(items, 3, keep);
    CHECK(keep == std::vector<char>{1, 1, 1});
  }
  SUBCASE("a source holding a line twice keeps both; the other source's copy goes") {
    I items[] = {{"x", 0}, {"x", 1}, {"x", 1}, {"y", 0}, {"y", 1}};
    f.mark(items, 5, keep);
    CHECK(keep == std::vector<char>{0, 1, 1, 1, 0});
  }
  SUBCASE("three sources with the same two lines emit each line once") {
    I items[] = {{"b", 0}, {"a", 0}, {"a", 1}, {"b", 1}, {"b", 2}, {"a", 2}};
    f.mark(items, 6, keep);
    CHECK(keep == std::vector<char>{1, 1, 0, 0, 0, 0});
  }
}
