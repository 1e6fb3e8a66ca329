#include <doctest/doctest.h>

#include <string>

#include "relabel/md5.h"

namespace {
std::string hex(std::string_view s) {
  auto d = relabel::md5(s);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : d) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}
}  // namespace

TEST_CASE("md5 matches RFC 1321's test suite and padding edge cases") {
  CHECK(hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
        "57edf4a22be3c955ac49da2e2107b67a");
  CHECK(hex(std::string(55, 'y')) == "b8f486d6805a37c97c6b929c2e880937");  // one padding block
  CHECK(hex(std::string(56, 'x')) == "668a72d5ba17f08e62dabcafad6db14b");  // two padding blocks
  CHECK(hex(std::string(100, 'a')) == "36a92cc94a9e0fa21f625f8bfb007adf");
}
