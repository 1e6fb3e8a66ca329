#include "auth/password_hash.h"

#include <argon2.h>
#include <crypt.h>

#include <cstring>
#include <memory>

#include "util/digest.h"

namespace auth {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_bcrypt(std::string_view h) {
  return starts_with(h, "$2a$") || starts_with(h, "$2b$") || starts_with(h, "$2y$");
}

argon2_type argon2_kind(std::string_view h, bool& ok) {
  ok = true;
  if (starts_with(h, "$argon2id$")) return Argon2_id;
  if (starts_with(h, "$argon2i$")) return Argon2_i;
  if (starts_with(h, "$argon2d$")) return Argon2_d;
  ok = false;
  return Argon2_id;
}

}  // namespace

util::Status check_password_hash(std::string_view hash) {
  if (is_bcrypt(hash)) {
    // $2b$NN$ + 53 characters of salt and hash.
    if (hash.size() != 60 || hash[6] != '$') return util::invalid_argument("malformed bcrypt hash");
    return {};
  }
  bool argon = false;
  argon2_kind(hash, argon);
  if (argon) return {};
  if (starts_with(hash, "$apr1$") || starts_with(hash, "$1$")) return util::invalid_argument("MD5 hashes ($apr1$) are not supported: use bcrypt (htpasswd -B) or argon2");
  if (starts_with(hash, "{SHA}")) return util::invalid_argument("{SHA} hashes are not supported: use bcrypt (htpasswd -B) or argon2");
  if (starts_with(hash, "$5$") || starts_with(hash, "$6$") || starts_with(hash, "$y$")) {
    return util::invalid_argument("only bcrypt and argon2 hashes are supported");
  }
  return util::invalid_argument("not a bcrypt or argon2 hash (plain-text and crypt DES passwords are not supported)");
}

bool verify_password(std::string_view password, const std::string& hash) {
  const std::string pw(password);  // NUL-terminated for crypt_r and argon2
  if (is_bcrypt(hash)) {
    auto data = std::make_unique<crypt_data>();
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* out = crypt_r(pw.c_str(), hash.c_str(), data.get());
    // crypt_r answers "*0"/"*1" (or null) on failure; those never equal a valid hash.
    if (out == nullptr) return false;
    return util::constant_time_equal(out, hash);
  }
  bool ok = false;
  argon2_type type = argon2_kind(hash, ok);
  if (!ok) return false;
  return argon2_verify(hash.c_str(), pw.data(), pw.size(), type) == ARGON2_OK;
}

}  // namespace auth
