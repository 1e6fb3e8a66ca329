// htpasswd files (Apache's format, as `htpasswd -B` writes them): one `user:hash` per line,
// `#` comments and blank lines ignored. Hashes must be bcrypt or Argon2 (password_hash.h).
// Errors name the line ("users.htpasswd:3: ...").
// Thread-safe: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/result.h"

namespace auth {

// user -> hash. `name` prefixes errors.
util::Result<std::map<std::string, std::string>> parse_htpasswd(std::string_view text, const std::string& name);

}  // namespace auth
