// logd's built-in authentication at the HTTP edge (config `auth`, docs/security.md): every
// request to the public port passes this gate before its handler (http::Server::set_gate).
//
//   1. The route needs a role: none for /ready and buildinfo; push for the push endpoints; admin
//      for deletes, rule changes, /metrics, /runtime_config, the ring pages and anything outside
//      /loki/api/v1/; query for the rest of /loki/api/v1/ and the rules' read endpoints.
//   2. A source (client IP) that failed a login recently is answered 429 with Retry-After,
//      without any credential being checked (auth/login_throttle.h).
//   3. Authorization: Basic (htpasswd users) or Bearer (hashed tokens); missing or wrong: 401
//      with WWW-Authenticate, counted, and the source's delay grows.
//   4. A credential without the route's role, or an X-Scope-OrgID naming a tenant the credential
//      is not granted (each of a|b), gets 403.
//
// Thread-safety: check() runs concurrently on the server's threads; set_credentials() swaps the
// whole credential set at once (a reload).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "auth/login_throttle.h"
#include "http/message.h"
#include "logd/metrics.h"
#include "util/clock.h"
#include "util/result.h"

namespace logd {

class AuthGate {
 public:
  AuthGate(auth::LoginThrottleOptions throttle, util::Clock& clock);

  void set_credentials(std::shared_ptr<const auth::Credentials> credentials);
  // nullopt: let the request through; else the refusal (401, 403, 429).
  std::optional<http::Response> check(const http::Request& req);
  void render_metrics(std::string& out) const;

  // The role a request needs; nullopt for the open endpoints.
  static std::optional<auth::Role> required_role(std::string_view method, std::string_view path);

  // A FileReloader load function: reads the credentials file and installs it here.
  std::function<util::Result<std::string>()> loader(std::string path);

 private:
  http::Response unauthorized(const std::string& source, const std::string& reason, const std::string& message);

  util::Clock& clock_;
  auth::LoginThrottle throttle_;
  mutable std::mutex mu_;
  std::shared_ptr<const auth::Credentials> credentials_;  // guarded by mu_
  CounterFamily failed_logins_;  // logd_auth_failed_logins_total{reason}
  CounterFamily throttled_;      // logd_auth_throttled_requests_total
  CounterFamily forbidden_;      // logd_auth_forbidden_requests_total{reason}
};

}  // namespace logd
