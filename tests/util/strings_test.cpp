#include <doctest/doctest.h>

#include "util/strings.h"

TEST_CASE("strings: trim removes ASCII whitespace at both ends only") {
  CHECK(util::trim("  a b\t\r\n") == "a b");
  CHECK(util::trim("\v\fx\f") == "x");
  CHECK(util::trim(" \t ").empty());
  CHECK(util::trim("") == "");
  CHECK(util::trim("\xc2\xa0x") == "\xc2\xa0x");  // a non-breaking space is not ASCII whitespace
}

TEST_CASE("strings: iequals is ASCII case-insensitive") {
  CHECK(util::iequals("Content-Type", "content-TYPE"));
  CHECK_FALSE(util::iequals("gzip", "gzip2"));
  CHECK_FALSE(util::iequals("[", "{"));  // '[' + 32 is '{': only letters fold
  CHECK(util::iequals("", ""));
}

TEST_CASE("strings: hex_value") {
  CHECK(util::hex_value('0') == 0);
  CHECK(util::hex_value('9') == 9);
  CHECK(util::hex_value('a') == 10);
  CHECK(util::hex_value('F') == 15);
  CHECK(util::hex_value('g') == -1);
  CHECK(util::hex_value('/') == -1);
}

TEST_CASE("strings: hex_encode") {
  CHECK(util::hex_encode("") == "");
  CHECK(util::hex_encode(std::string("\x00\x0f\xa5\xff", 4)) == "000fa5ff");
}
