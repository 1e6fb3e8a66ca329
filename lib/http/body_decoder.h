// Undoes a request's Content-Encoding (gzip, or deflate in its zlib wrapping) with a bound on
// the decoded size, so a small "zip bomb" body cannot exhaust memory. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace http {

enum class DecodeFailure { None, Corrupt, TooLarge };

struct DecodedBody {
  std::string data;
  DecodeFailure failure = DecodeFailure::None;
  std::string error;  // set when failure != None
};

// `encoding` is "gzip", "x-gzip" or "deflate" (case-insensitive). Concatenated gzip members are
// all decoded, as Go's gzip.Reader does.
DecodedBody decode_content(std::string_view encoding, std::string_view body, size_t max_decoded_bytes);

// True for the encodings decode_content understands.
bool is_decodable_encoding(std::string_view encoding);

}  // namespace http
