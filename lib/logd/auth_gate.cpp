#include "logd/auth_gate.h"

#include "auth/credentials_file.h"
#include "push/tenant.h"
#include "util/base64.h"
#include "util/strings.h"

namespace logd {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The scheme's name compares case-insensitively (RFC 9110), the credentials follow one space.
std::optional<std::string_view> credentials_after(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(scheme[i]))) {
      return std::nullopt;
    }
  }
  return util::trim(header.substr(scheme.size() + 1));
}

}  // namespace

AuthGate::AuthGate(auth::LoginThrottleOptions throttle, util::Clock& clock)
    : clock_(clock),
      throttle_(throttle, clock),
      credentials_(std::make_shared<const auth::Credentials>()),
      failed_logins_("logd_auth_failed_logins_total",
                     "Requests refused 401: credentials missing, malformed or wrong.", {"reason"}),
      throttled_("logd_auth_throttled_requests_total",
                 "Requests refused 429 because their source failed a login moments before.", {}),
      forbidden_("logd_auth_forbidden_requests_total",
                 "Authenticated requests refused 403: the credential lacks the role or the tenant.", {"reason"}) {}

void AuthGate::set_credentials(std::shared_ptr<const auth::Credentials> credentials) {
  std::lock_guard lock(mu_);
  credentials_ = std::move(credentials);
}

std::optional<auth::Role> AuthGate::required_role(std::string_view method, std::string_view path) {
  if (method == "GET" && (path == "/ready" || path == "/loki/api/v1/status/buildinfo")) return std::nullopt;
  if (path == "/loki/api/v1/push" || path == "/otlp/v1/logs") return auth::Role::kPush;
  if (path == "/loki/api/v1/delete") return auth::Role::kAdmin;
  for (std::string_view rules : {"/loki/api/v1/rules", "/api/prom/rules"}) {
    if (path == rules || starts_with(path, std::string(rules) + "/")) {
      return method == "GET" ? auth::Role::kQuery : auth::Role::kAdmin;
    }
  }
  if (path == "/prometheus/api/v1/rules" || path == "/prometheus/api/v1/alerts") return auth::Role::kQuery;
  if (starts_with(path, "/loki/api/v1/")) return auth::Role::kQuery;
  return auth::Role::kAdmin;
}

http::Response AuthGate::unauthorized(const std::string& source, const std::string& reason, const std::string& message) {
  failed_logins_.add({reason}, 1);
  // A request that sent no credentials is not a guess: it does not slow its source.
  if (reason != "missing") throttle_.record_failure(source);
  http::Response r = http::Response::text(401, message + "\n");
  r.headers.add("WWW-Authenticate", "Basic realm=\"logd\", charset=\"UTF-8\"");
  r.headers.add("WWW-Authenticate", "Bearer realm=\"logd\"");
  return r;
}

std::optional<http::Response> AuthGate::check(const http::Request& req) {
  std::optional<auth::Role> need = required_role(req.method, req.path);
  if (!need) return std::nullopt;
  const std::string source = auth::source_address(req.remote_address);
  if (int64_t wait = throttle_.wait_ns(source); wait > 0) {
    throttled_.add({}, 1);
    http::Response r = http::Response::text(429, "too many failed logins from this address; retry later\n");
    r.headers.set("Retry-After", std::to_string((wait + 999'999'999) / 1'000'000'000));
    return r;
  }
  auto header = req.headers.get("Authorization");
  if (!header || header->empty()) return unauthorized(source, "missing", "authentication required");
  std::shared_ptr<const auth::Credentials> creds;
  {
    std::lock_guard lock(mu_);
    creds = credentials_;
  }
  std::optional<auth::Grant> grant;
  if (auto basic = credentials_after(*header, "Basic")) {
    auto decoded = util::base64_decode_strict(*basic);
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return unauthorized(source, "malformed", "malformed basic credentials");
    grant = creds->check_basic(std::string_view(*decoded).substr(0, colon), std::string_view(*decoded).substr(colon + 1));
  } else if (auto bearer = credentials_after(*header, "Bearer")) {
    grant = creds->check_bearer(*bearer);
  } else {
    return unauthorized(source, "malformed", "unsupported authorization scheme (Basic or Bearer)");
  }
  if (!grant) return unauthorized(source, "invalid", "invalid credentials");
  throttle_.record_success(source);
  if (!auth::role_allows(grant->role, *need)) {
    forbidden_.add({"role"}, 1);
    return http::Response::text(403, "credential \"" + grant->name + "\" has role " +
                                         std::string(auth::role_name(grant->role)) + "; this endpoint needs " +
                                         std::string(auth::role_name(*need)) + "\n");
  }
  if (auto org = req.headers.get("X-Scope-OrgID"); org && !org->empty()) {
    // A malformed org ID is the handler's 400; only well-formed tenants are checked here.
    if (auto ids = push::split_tenant_ids(*org); ids.ok()) {
      for (const auto& id : *ids) {
        if (grant->allows_tenant(id)) continue;
        forbidden_.add({"tenant"}, 1);
        return http::Response::text(403, "credential \"" + grant->name + "\" may not access tenant \"" + id + "\"\n");
      }
    }
  }
  return std::nullopt;
}

void AuthGate::render_metrics(std::string& out) const {
  failed_logins_.render(out);
  throttled_.render(out);
  forbidden_.render(out);
}

std::function<util::Result<std::string>()> AuthGate::loader(std::string path) {
  return [this, path = std::move(path)]() -> util::Result<std::string> {
    auto loaded = auth::load_credentials_file(path);
    if (!loaded.ok()) return loaded.status_error();
    set_credentials(std::make_shared<const auth::Credentials>(std::move(loaded->credentials)));
    return loaded->sha256;
  };
}

}  // namespace logd
