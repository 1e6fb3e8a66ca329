// Object keys: the one definition of what a valid key is, shared by every backend so a key that
// works on the filesystem works on S3 and back.
//
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "util/result.h"

namespace objstore {

// The longest key S3 accepts (bytes of UTF-8).
inline constexpr size_t kMaxKeyBytes = 1024;

// A key is 1..1024 bytes of '/'-separated segments: no leading or trailing '/', no empty, "." or
// ".." segment, no control character (NUL included), and no segment shaped like the temporary
// files atomic writes use (`<name>.tmp.<pid>.<n>.<n>`), which the filesystem backend hides.
util::Status validate_key(std::string_view key);

// A list prefix or start-after value: any string a key could start with (so "" and "a/b/" and
// "a/b-2024" are fine), without a leading '/' or control characters.
util::Status validate_key_prefix(std::string_view prefix, std::string_view what);

}  // namespace objstore
