// A bcrypt hash made with libxcrypt for tests (cost 4 keeps them fast).
#pragma once

#include <crypt.h>

#include <doctest/doctest.h>

#include <string>

namespace auth_test {

inline std::string bcrypt_hash(const std::string& password, const char* prefix = "$2b$") {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  REQUIRE(crypt_gensalt_rn(prefix, 4, nullptr, 0, salt, sizeof salt) != nullptr);
  crypt_data data{};
  const char* h = crypt_r(password.c_str(), salt, &data);
  REQUIRE(h != nullptr);
  return h;
}

}  // namespace auth_test
