#include <doctest/doctest.h>

#include <fstream>

#include "store/writer_id.h"
#include "store_test_util.h"

TEST_CASE("writer id: checked, sanitized, created once and kept") {
  CHECK(store::check_writer_id("logd-0a1b").ok());
  CHECK(store::check_writer_id("ingester-1.zone_a").ok());
  CHECK_FALSE(store::check_writer_id("").ok());
  CHECK_FALSE(store::check_writer_id(".hidden").ok());
  CHECK_FALSE(store::check_writer_id("a/b").ok());
  CHECK_FALSE(store::check_writer_id(std::string(65, 'a')).ok());
  CHECK(store::sanitize_writer_id("10.0.0.1:3100") == "10.0.0.1_3100");
  CHECK(store::sanitize_writer_id("loki-0") == "loki-0");
  CHECK(store::random_writer_id("logd-").size() == 5 + 12);
  CHECK(store::random_writer_id("x") != store::random_writer_id("x"));

  store_test::TempDir dir;
  std::string file = dir.path + "/sub/writer-id";
  auto first = store::load_or_create_writer_id(file);
  REQUIRE(first.ok());
  CHECK(first->rfind("logd-", 0) == 0);
  CHECK(store::load_or_create_writer_id(file).value() == *first);
  std::ofstream(file) << "bad/id\n";
  CHECK_FALSE(store::load_or_create_writer_id(file).ok());
}
