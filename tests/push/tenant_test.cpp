#include <doctest/doctest.h>

#include "push/tenant.h"

using push::split_tenant_ids;
using push::validate_tenant_id;

TEST_CASE("tenant IDs: Loki's allowed characters and length") {
  CHECK(validate_tenant_id("fake").ok());
  CHECK(validate_tenant_id("Team-1_prod.eu!*'()").ok());
  CHECK(validate_tenant_id(std::string(150, 'a')).ok());
  CHECK(validate_tenant_id(std::string(151, 'a')).error() == "tenant ID is too long: max 150 characters");
  CHECK(validate_tenant_id("a/b").error() == "tenant ID 'a/b' contains unsupported character '/'");
  CHECK(validate_tenant_id("a b").error() == "tenant ID 'a b' contains unsupported character ' '");
  CHECK(!validate_tenant_id("a\\b").ok());
  CHECK(!validate_tenant_id(std::string("a\0b", 3)).ok());
  CHECK(!validate_tenant_id("a\nb").ok());
  CHECK(!validate_tenant_id("t\xc3\xa9").ok());
  CHECK(!validate_tenant_id("a|b").ok());
  CHECK(validate_tenant_id(".").error() == "tenant ID is '.' or '..'");
  CHECK(validate_tenant_id("..").error() == "tenant ID is '.' or '..'");
  CHECK(validate_tenant_id("...").ok());
  CHECK(!validate_tenant_id("").ok());
}

TEST_CASE("multi-tenant org IDs split on '|', sorted and de-duplicated") {
  auto ids = split_tenant_ids("b|a|b");
  REQUIRE(ids.ok());
  CHECK(*ids == std::vector<std::string>{"a", "b"});
  CHECK(*split_tenant_ids("solo") == std::vector<std::string>{"solo"});
  CHECK(split_tenant_ids("").error() == "no org id");
  CHECK(!split_tenant_ids("a||b").ok());
  CHECK(!split_tenant_ids("a|..").ok());
  CHECK(!split_tenant_ids("a|b/c").ok());
}
