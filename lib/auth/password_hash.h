// Checking a password against a stored hash, as htpasswd files hold them: bcrypt ($2a$, $2b$,
// $2y$; libxcrypt's crypt_r) and Argon2 ($argon2id$, $argon2i$, $argon2d$; libargon2). Other
// schemes (MD5 $apr1$, {SHA}, crypt DES, plain text) are refused when the file is read: they are
// too cheap to brute-force.
//
// Thread-safe: pure functions (crypt_r with a per-call state).
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace auth {

// OK when `hash` is a bcrypt or Argon2 hash in its usual encoding; else an error naming the
// scheme that is not supported.
util::Status check_password_hash(std::string_view hash);

// True when `password` matches `hash` (which check_password_hash accepted). The time taken
// depends on the hash's cost parameters, not on the password or on where a comparison differs.
bool verify_password(std::string_view password, const std::string& hash);

}  // namespace auth
