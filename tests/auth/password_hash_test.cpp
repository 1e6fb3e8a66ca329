#include <doctest/doctest.h>

#include <argon2.h>

#include <string>

#include "auth/htpasswd.h"
#include "auth/password_hash.h"
#include "test_hash.h"

using auth_test::bcrypt_hash;

namespace {

std::string argon2id_hash(const std::string& password) {
  const std::string salt = "somesaltsomesalt";
  char encoded[256];
  REQUIRE(argon2id_hash_encoded(1, 1024, 1, password.data(), password.size(), salt.data(), salt.size(), 32, encoded,
                                sizeof encoded) == ARGON2_OK);
  return encoded;
}

}  // namespace

TEST_CASE("password hashes: bcrypt ($2b$ and $2y$) and argon2id verify the right password only") {
  std::string b = bcrypt_hash("s3cret");
  CHECK(b.rfind("$2b$04$", 0) == 0);
  CHECK(auth::check_password_hash(b).ok());
  CHECK(auth::verify_password("s3cret", b));
  CHECK_FALSE(auth::verify_password("s3cret ", b));
  CHECK_FALSE(auth::verify_password("", b));
  // htpasswd -B writes $2y$; libxcrypt reads it as the same algorithm.
  std::string y = "$2y$" + b.substr(4);
  CHECK(auth::check_password_hash(y).ok());
  CHECK(auth::verify_password("s3cret", y));
  CHECK_FALSE(auth::verify_password("other", y));

  std::string a = argon2id_hash("hunter2");
  CHECK(a.rfind("$argon2id$", 0) == 0);
  CHECK(auth::check_password_hash(a).ok());
  CHECK(auth::verify_password("hunter2", a));
  CHECK_FALSE(auth::verify_password("hunter3", a));
}

TEST_CASE("password hashes: weak or unknown schemes are refused with the reason") {
  auto md5 = auth::check_password_hash("$apr1$abc$def");
  REQUIRE_FALSE(md5.ok());
  CHECK(md5.error().find("MD5") != std::string::npos);
  CHECK(auth::check_password_hash("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=").error().find("{SHA}") != std::string::npos);
  CHECK_FALSE(auth::check_password_hash("plaintext").ok());
  CHECK_FALSE(auth::check_password_hash("$2b$04$short").ok());
  CHECK_FALSE(auth::verify_password("x", "plaintext"));
}

TEST_CASE("htpasswd: users and hashes; comments; errors name the line") {
  std::string h = bcrypt_hash("pw");
  auto users = auth::parse_htpasswd("# team A\nalice:" + h + "\n\n  bob:" + h + "  \n", "users.htpasswd");
  REQUIRE_MESSAGE(users.ok(), users.error());
  CHECK(users->size() == 2);
  CHECK(users->at("alice") == h);
  CHECK(users->at("bob") == h);

  auto bad = auth::parse_htpasswd("alice:" + h + "\ncarol:$apr1$x$y\n", "users.htpasswd");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().rfind("users.htpasswd:2: user \"carol\": MD5", 0) == 0);
  auto dup = auth::parse_htpasswd("a:" + h + "\na:" + h + "\n", "f");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error() == "f:2: user \"a\" appears twice");
  CHECK(auth::parse_htpasswd("no-colon\n", "f").error() == "f:1: expected user:hash");
}
