#include <doctest/doctest.h>


#include "logd/auth_gate.h"
#include "../auth/test_hash.h"
#include "util/base64.h"
#include "util/digest.h"

using auth::Role;
using logd::AuthGate;

using auth_test::bcrypt_hash;

namespace {

constexpr int64_t kSecond = 1'000'000'000;

struct Fixture {
  util::FakeClock clock;
  AuthGate gate{auth::LoginThrottleOptions{kSecond, 8 * kSecond, 100}, clock};
  Fixture() {
    auto c = std::make_shared<auth::Credentials>();
    c->add_user("reader", bcrypt_hash("read-pw"), auth::Grant{"reader", Role::kQuery, {"team-a", "team-b"}});
    c->add_user("root", bcrypt_hash("root-pw"), auth::Grant{"root", Role::kAdmin, {"*"}});
    REQUIRE(c->add_token(util::sha256_hex("push-token"), auth::Grant{"shipper", Role::kPush, {"team-a"}}).ok());
    gate.set_credentials(c);
  }
  std::optional<http::Response> call(const std::string& method, const std::string& path, const std::string& auth,
                                     const std::string& org = "", const std::string& from = "10.0.0.1:4000") {
    http::Request r;
    r.method = method;
    r.path = path;
    r.remote_address = from;
    if (!auth.empty()) r.headers.add("Authorization", auth);
    if (!org.empty()) r.headers.add("X-Scope-OrgID", org);
    return gate.check(r);
  }
  int status(const std::string& method, const std::string& path, const std::string& auth, const std::string& org = "",
             const std::string& from = "10.0.0.1:4000") {
    auto r = call(method, path, auth, org, from);
    return r ? r->status : 0;  // 0: let through
  }
};

std::string basic(const std::string& user, const std::string& pw) { return "Basic " + util::base64_encode(user + ":" + pw); }

}  // namespace

TEST_CASE("auth gate: the role each route needs") {
  CHECK_FALSE(AuthGate::required_role("GET", "/ready"));
  CHECK_FALSE(AuthGate::required_role("GET", "/loki/api/v1/status/buildinfo"));
  CHECK(AuthGate::required_role("POST", "/loki/api/v1/push") == Role::kPush);
  CHECK(AuthGate::required_role("POST", "/otlp/v1/logs") == Role::kPush);
  CHECK(AuthGate::required_role("GET", "/loki/api/v1/query_range") == Role::kQuery);
  CHECK(AuthGate::required_role("GET", "/loki/api/v1/tail") == Role::kQuery);
  CHECK(AuthGate::required_role("GET", "/loki/api/v1/label/app/values") == Role::kQuery);
  CHECK(AuthGate::required_role("GET", "/loki/api/v1/rules/ns") == Role::kQuery);
  CHECK(AuthGate::required_role("POST", "/loki/api/v1/rules/ns") == Role::kAdmin);
  CHECK(AuthGate::required_role("POST", "/loki/api/v1/delete") == Role::kAdmin);
  CHECK(AuthGate::required_role("GET", "/loki/api/v1/delete") == Role::kAdmin);
  CHECK(AuthGate::required_role("GET", "/metrics") == Role::kAdmin);
  CHECK(AuthGate::required_role("GET", "/runtime_config") == Role::kAdmin);
  CHECK(AuthGate::required_role("GET", "/ready/../metrics") == Role::kAdmin);
}

TEST_CASE("auth gate: 401 with WWW-Authenticate for missing or wrong credentials, counted") {
  Fixture f;
  auto missing = f.call("GET", "/loki/api/v1/labels", "", "team-a");
  REQUIRE(missing);
  CHECK(missing->status == 401);
  CHECK(missing->headers.get_all("WWW-Authenticate").size() == 2);
  CHECK(missing->headers.get_or("WWW-Authenticate", "").find("Basic realm=\"logd\"") == 0);
  CHECK(f.status("GET", "/loki/api/v1/labels", "", "team-a", "10.0.0.1:1") == 401);  // no credentials: no delay
  CHECK(f.status("GET", "/loki/api/v1/labels", basic("reader", "wrong"), "team-a") == 401);
  CHECK(f.status("GET", "/loki/api/v1/labels", basic("nobody", "read-pw"), "team-a", "10.0.0.2:1") == 401);
  CHECK(f.status("GET", "/loki/api/v1/labels", "Bearer not-a-token", "team-a", "10.0.0.3:1") == 401);
  CHECK(f.status("GET", "/loki/api/v1/labels", "Basic !!!", "team-a", "10.0.0.4:1") == 401);
  CHECK(f.status("GET", "/loki/api/v1/labels", "Digest x", "team-a", "10.0.0.5:1") == 401);
  std::string m;
  f.gate.render_metrics(m);
  CHECK(m.find("logd_auth_failed_logins_total{reason=\"missing\"} 2") != std::string::npos);
  CHECK(m.find("logd_auth_failed_logins_total{reason=\"invalid\"} 3") != std::string::npos);
  CHECK(m.find("logd_auth_failed_logins_total{reason=\"malformed\"} 2") != std::string::npos);
}

TEST_CASE("auth gate: roles and tenants give 403; the right ones pass") {
  Fixture f;
  CHECK(f.status("GET", "/loki/api/v1/query_range", basic("reader", "read-pw"), "team-a") == 0);
  CHECK(f.status("GET", "/loki/api/v1/query_range", basic("reader", "read-pw"), "team-a|team-b") == 0);
  CHECK(f.status("GET", "/loki/api/v1/query_range", basic("reader", "read-pw"), "team-c") == 403);
  CHECK(f.status("GET", "/loki/api/v1/query_range", basic("reader", "read-pw"), "team-a|team-c") == 403);
  CHECK(f.status("POST", "/loki/api/v1/push", basic("reader", "read-pw"), "team-a") == 403);
  CHECK(f.status("POST", "/loki/api/v1/push", "Bearer push-token", "team-a") == 0);
  CHECK(f.status("POST", "/loki/api/v1/push", "bearer push-token", "team-a") == 0);  // scheme case-insensitive
  CHECK(f.status("POST", "/loki/api/v1/push", "Bearer push-token", "team-b") == 403);
  auto role = f.call("GET", "/loki/api/v1/query", "Bearer push-token", "team-a");
  REQUIRE(role);
  CHECK(role->status == 403);
  CHECK(role->body == "credential \"shipper\" has role push; this endpoint needs query\n");
  CHECK(f.status("GET", "/metrics", basic("reader", "read-pw")) == 403);
  CHECK(f.status("GET", "/metrics", basic("root", "root-pw")) == 0);
  CHECK(f.status("POST", "/loki/api/v1/delete", basic("root", "root-pw"), "anyone") == 0);
  CHECK(f.status("GET", "/ready", "") == 0);
}

TEST_CASE("auth gate: a failed login slows its source (429, Retry-After) and no other") {
  Fixture f;
  CHECK(f.status("GET", "/loki/api/v1/labels", basic("reader", "guess1"), "team-a") == 401);
  auto slowed = f.call("GET", "/loki/api/v1/labels", basic("reader", "read-pw"), "team-a");
  REQUIRE(slowed);
  CHECK(slowed->status == 429);  // even the right password waits: nothing is checked meanwhile
  CHECK(slowed->headers.get_or("Retry-After", "") == "1");
  CHECK(f.status("GET", "/loki/api/v1/labels", basic("reader", "read-pw"), "team-a", "10.9.9.9:1") == 0);
  f.clock.advance(kSecond);
  CHECK(f.status("GET", "/loki/api/v1/labels", basic("reader", "guess2"), "team-a") == 401);
  f.clock.advance(kSecond);
  CHECK(f.status("GET", "/loki/api/v1/labels", basic("reader", "read-pw"), "team-a") == 429);  // 2s now
  f.clock.advance(kSecond);
  CHECK(f.status("GET", "/loki/api/v1/labels", basic("reader", "read-pw"), "team-a") == 0);
  std::string m;
  f.gate.render_metrics(m);
  CHECK(m.find("logd_auth_throttled_requests_total 2") != std::string::npos);
}
