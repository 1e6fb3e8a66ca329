// Undoes a request's Content-Encoding (gzip, or deflate in its zlib wrapping) with a bound on
// the decoded size, so a small "zip bomb" body cannot exhaust memory. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace http {

// `encoding` is "gzip", "x-gzip" or "deflate" (case-insensitive). Concatenated gzip members are
// all decoded, as Go's gzip.Reader does. A body that decodes past `max_decoded_bytes` is a
// kTooLarge error; a corrupt one kInvalidArgument.
util::Result<std::string> decode_content(std::string_view encoding, std::string_view body, size_t max_decoded_bytes);

// True for the encodings decode_content understands.
bool is_decodable_encoding(std::string_view encoding);

}  // namespace http
