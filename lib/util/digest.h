// SHA-256 (OpenSSL) and a comparison whose time does not depend on where two strings differ:
// for content hashes (the runtime config's hash metric, S3 payload hashes) and for checking
// secrets (bearer tokens stored as their SHA-256).
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace util {

std::string sha256(std::string_view data);      // the raw 32 bytes
std::string sha256_hex(std::string_view data);  // 64 lowercase hex digits

// True when `a` and `b` are equal; for equal sizes the time taken is the same wherever they
// differ (OpenSSL's CRYPTO_memcmp). Sizes are not secret (compare digests, not raw secrets).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace util
