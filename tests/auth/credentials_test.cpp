#include <doctest/doctest.h>


#include <filesystem>
#include <fstream>

#include "auth/credentials.h"
#include "auth/credentials_file.h"
#include "auth/login_throttle.h"
#include "test_hash.h"
#include "util/clock.h"
#include "util/digest.h"

using auth_test::bcrypt_hash;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/auth_testXXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name) << text;
    return path + "/" + name;
  }
};

constexpr int64_t kSecond = 1'000'000'000;

}  // namespace

TEST_CASE("credentials file: users with htpasswd hashes, hashed tokens, roles and tenants") {
  TempDir d;
  d.write("users.htpasswd", "alice:" + bcrypt_hash("alice-pw") + "\nbob:" + bcrypt_hash("bob-pw") + "\n");
  const std::string token = "tok-push-a";
  std::string path = d.write("credentials.yaml", R"(
htpasswd_file: users.htpasswd
users:
  - {username: alice, tenants: [team-a, team-b], role: query}
  - {username: bob, tenants: ["*"], role: admin}
tokens:
  - name: shipper
    sha256: )" + util::sha256_hex(token) + R"(
    tenants: [team-a]
    role: push
)");
  auto loaded = auth::load_credentials_file(path);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error());
  const auth::Credentials& c = loaded->credentials;
  CHECK(c.users() == 2);
  CHECK(c.tokens() == 1);
  auto alice = c.check_basic("alice", "alice-pw");
  REQUIRE(alice);
  CHECK(alice->role == auth::Role::kQuery);
  CHECK(alice->allows_tenant("team-b"));
  CHECK_FALSE(alice->allows_tenant("team-c"));
  CHECK_FALSE(c.check_basic("alice", "bob-pw"));
  CHECK_FALSE(c.check_basic("mallory", "alice-pw"));  // unknown user: refused (after a dummy check)
  auto bob = c.check_basic("bob", "bob-pw");
  REQUIRE(bob);
  CHECK(bob->allows_tenant("anything"));
  auto shipper = c.check_bearer(token);
  REQUIRE(shipper);
  CHECK(shipper->name == "shipper");
  CHECK(shipper->role == auth::Role::kPush);
  CHECK_FALSE(c.check_bearer("tok-push-b"));
  CHECK_FALSE(c.check_bearer(""));
  CHECK(loaded->sha256.size() == 64);

  CHECK(auth::role_allows(auth::Role::kAdmin, auth::Role::kPush));
  CHECK(auth::role_allows(auth::Role::kQuery, auth::Role::kQuery));
  CHECK_FALSE(auth::role_allows(auth::Role::kPush, auth::Role::kQuery));
  CHECK_FALSE(auth::role_allows(auth::Role::kQuery, auth::Role::kAdmin));
}

TEST_CASE("credentials file: every mistake is an error naming its place") {
  TempDir d;
  d.write("h", "alice:" + bcrypt_hash("pw") + "\n");
  auto err = [&](const std::string& yaml) {
    auto r = auth::parse_credentials(yaml, d.path);
    REQUIRE_FALSE(r.ok());
    return r.error();
  };
  CHECK(err("htpasswd_file: h\nusers: [{username: alice, tenants: [a], role: query, rol: x}]\n")
            .find("users[0]: unknown field \"rol\"") != std::string::npos);
  CHECK(err("htpasswd_file: h\nusers: [{username: alice, tenants: [a], role: reader}]\n")
            .find("users[0].role: unknown role \"reader\"") != std::string::npos);
  CHECK(err("htpasswd_file: h\nusers: [{username: alice, tenants: [], role: query}]\n").find("tenants") !=
        std::string::npos);
  CHECK(err("htpasswd_file: h\nusers: [{username: alice, tenants: [a], role: query}, {username: zed, tenants: [a], "
            "role: query}]\n")
            .find("\"zed\" has no hash") != std::string::npos);
  CHECK(err("htpasswd_file: h\n").find("\"alice\" has no entry under users") != std::string::npos);
  CHECK(err("tokens: [{name: t, sha256: abc, tenants: [a], role: push}]\n").find("tokens[0].sha256") !=
        std::string::npos);
  CHECK(err("htpasswd_file: missing\n").find("htpasswd_file") != std::string::npos);
  CHECK(err("userz: []\n").find("unknown field \"userz\"") != std::string::npos);
}

TEST_CASE("login throttle: failures delay the source, doubling up to the cap; success clears; bounded") {
  util::FakeClock clock;
  auth::LoginThrottle t({kSecond, 4 * kSecond, 2}, clock);
  CHECK(t.wait_ns("10.0.0.1") == 0);
  t.record_failure("10.0.0.1");
  CHECK(t.wait_ns("10.0.0.1") == kSecond);
  CHECK(t.wait_ns("10.0.0.2") == 0);  // other sources are not slowed
  clock.advance(kSecond);
  CHECK(t.wait_ns("10.0.0.1") == 0);
  t.record_failure("10.0.0.1");
  CHECK(t.wait_ns("10.0.0.1") == 2 * kSecond);
  clock.advance(2 * kSecond);
  t.record_failure("10.0.0.1");
  CHECK(t.wait_ns("10.0.0.1") == 4 * kSecond);
  clock.advance(4 * kSecond);
  t.record_failure("10.0.0.1");
  CHECK(t.wait_ns("10.0.0.1") == 4 * kSecond);  // the cap
  t.record_success("10.0.0.1");
  CHECK(t.wait_ns("10.0.0.1") == 0);
  t.record_failure("a");
  t.record_failure("b");
  t.record_failure("c");  // past max_sources: the oldest ("a") goes
  CHECK(t.sources() == 2);
  CHECK(t.wait_ns("a") == 0);
  CHECK(t.wait_ns("c") > 0);

  CHECK(auth::source_address("127.0.0.1:5555") == "127.0.0.1");
  CHECK(auth::source_address("[::1]:5555") == "::1");
}
