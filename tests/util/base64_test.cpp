#include <doctest/doctest.h>

#include "util/base64.h"

TEST_CASE("base64: RFC 4648 test vectors both ways") {
  const char* vectors[][2] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
                              {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto& [plain, encoded] : vectors) {
    CHECK(util::base64_encode(plain) == encoded);
    CHECK(util::base64_decode(encoded) == std::string(plain));
  }
  CHECK(util::base64_encode(std::string("\xff\x00\x80", 3)) == "/wCA");
}

TEST_CASE("base64: bad input is refused, whitespace skipped") {
  CHECK(util::base64_decode("Zm9v\nYmFy") == std::string("foobar"));
  CHECK_FALSE(util::base64_decode("Zm9v!"));
  CHECK_FALSE(util::base64_decode("Zg==Zg=="));  // data after padding
  CHECK_FALSE(util::base64_decode("Zg="));       // padding does not complete the quantum
  CHECK_FALSE(util::base64_decode("Z"));         // six bits are no byte
}

TEST_CASE("base64 strict: Go's StdEncoding rules and CorruptInputError offsets") {
  CHECK(util::base64_decode_strict("Zm9v\r\nYmFy") == std::string("foobar"));
  CHECK(util::base64_decode_strict("Zg==") == std::string("f"));
  size_t bad = 99;
  CHECK_FALSE(util::base64_decode_strict("Zg", &bad));  // padding required
  CHECK(bad == 0);
  CHECK_FALSE(util::base64_decode_strict("Zm9v Zg==", &bad));  // a space is not skipped
  CHECK(bad == 4);
  CHECK_FALSE(util::base64_decode_strict("Zg==x", &bad));
  CHECK(bad == 4);
  CHECK_FALSE(util::base64_decode_strict("Z===", &bad));
  CHECK(bad == 1);
}

TEST_CASE("base64url: Go's URLEncoding, padded and strict") {
  CHECK(util::base64url_encode("app") == "YXBw");
  CHECK(util::base64url_encode("a/b?") == "YS9iPw==");
  CHECK(util::base64url_encode("\xfb\xff") == "-_8=");
  CHECK(util::base64url_decode("-_8=") == std::optional<std::string>("\xfb\xff"));
  CHECK(util::base64url_decode("YS9iPw==") == std::optional<std::string>("a/b?"));
  CHECK_FALSE(util::base64url_decode("+/8=").has_value());  // the standard alphabet is not this one
  CHECK_FALSE(util::base64url_decode("YS9iPw").has_value());  // padding is required
  CHECK_FALSE(util::base64url_decode("Y!==").has_value());
}
