#include "auth/credentials.h"

#include "auth/password_hash.h"
#include "util/digest.h"
#include "util/strings.h"

namespace auth {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kPush: return "push";
    case Role::kQuery: return "query";
    case Role::kAdmin: return "admin";
  }
  return "?";
}

util::Result<Role> parse_role(std::string_view name) {
  if (name == "push") return Role::kPush;
  if (name == "query") return Role::kQuery;
  if (name == "admin") return Role::kAdmin;
  return util::invalid_argument("unknown role \"" + std::string(name) + "\" (push, query or admin)");
}

bool role_allows(Role have, Role need) { return have == Role::kAdmin || have == need; }

bool Grant::allows_tenant(std::string_view tenant) const {
  for (const auto& t : tenants) {
    if (t == "*" || t == tenant) return true;
  }
  return false;
}

void Credentials::add_user(std::string user, std::string hash, Grant grant) {
  users_[std::move(user)] = User{std::move(hash), std::move(grant)};
}

util::Status Credentials::add_token(std::string_view sha256_hex, Grant grant) {
  if (sha256_hex.size() != 64) return util::invalid_argument("sha256: expected 64 hex digits");
  std::string raw;
  for (size_t i = 0; i < 64; i += 2) {
    int hi = util::hex_value(sha256_hex[i]), lo = util::hex_value(sha256_hex[i + 1]);
    if (hi < 0 || lo < 0) return util::invalid_argument("sha256: expected 64 hex digits");
    raw.push_back(static_cast<char>(hi * 16 + lo));
  }
  tokens_.emplace_back(std::move(raw), std::move(grant));
  return {};
}

std::optional<Grant> Credentials::check_basic(std::string_view user, std::string_view password) const {
  if (users_.empty()) return std::nullopt;
  auto it = users_.find(user);
  // An unknown user costs one hash check too, so timing does not tell which users exist.
  const std::string& hash = it != users_.end() ? it->second.hash : users_.begin()->second.hash;
  bool ok = verify_password(password, hash);
  if (it == users_.end() || !ok) return std::nullopt;
  return it->second.grant;
}

std::optional<Grant> Credentials::check_bearer(std::string_view token) const {
  const std::string digest = util::sha256(token);
  const Grant* found = nullptr;
  for (const auto& [stored, grant] : tokens_) {  // no early exit: every digest is compared
    if (util::constant_time_equal(stored, digest)) found = &grant;
  }
  if (!found) return std::nullopt;
  return *found;
}

}  // namespace auth
