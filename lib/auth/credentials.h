// The credentials logd's built-in authentication accepts, each granted a role and a list of
// tenants: HTTP basic users (hashes from an htpasswd file) and bearer tokens (stored as their
// SHA-256, so the file never holds a usable token).
//
// Checks take the same time whether a user exists or not: an unknown user's password is checked
// against a stored hash all the same (the first user's, so the cost matches when every user's
// hash has the same cost), and a token is compared, in constant time, with every stored digest.
//
// Thread-safety: a Credentials is immutable once built; its checks may run concurrently.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace auth {

// push: the push endpoints; query: the read endpoints (queries, labels, series, tail, rules
// read); admin: everything, including deletes, rule changes, /metrics and /runtime_config.
enum class Role { kPush, kQuery, kAdmin };

std::string_view role_name(Role role);
util::Result<Role> parse_role(std::string_view name);
// Whether a credential of role `have` may call an endpoint that needs `need`.
bool role_allows(Role have, Role need);

struct Grant {
  std::string name;  // the user or the token's name (logs, messages)
  Role role = Role::kQuery;
  std::vector<std::string> tenants;  // "*": every tenant
  bool allows_tenant(std::string_view tenant) const;
};

class Credentials {
 public:
  void add_user(std::string user, std::string hash, Grant grant);
  // `sha256_hex`: the token's SHA-256 in hex (64 digits).
  util::Status add_token(std::string_view sha256_hex, Grant grant);

  std::optional<Grant> check_basic(std::string_view user, std::string_view password) const;
  std::optional<Grant> check_bearer(std::string_view token) const;

  size_t users() const { return users_.size(); }
  size_t tokens() const { return tokens_.size(); }

 private:
  struct User {
    std::string hash;
    Grant grant;
  };
  std::map<std::string, User, std::less<>> users_;
  std::vector<std::pair<std::string, Grant>> tokens_;  // raw SHA-256 -> grant
};

}  // namespace auth
