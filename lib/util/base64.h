// RFC 4648 base64 (the standard alphabet, with padding): HTTP basic auth, etcd's JSON gateway,
// kubeconfig *-data fields, S3's Content-MD5.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace util {

std::string base64_encode(std::string_view data);
// nullopt on a character outside the alphabet or bad padding; ASCII whitespace is skipped.
std::optional<std::string> base64_decode(std::string_view text);
// Strict decoding as Go's base64.StdEncoding.DecodeString does it (templates' b64dec): padding
// is required and only CR and LF are skipped. On failure, `*bad_offset` (when given) is the input
// byte Go's CorruptInputError names.
std::optional<std::string> base64_decode_strict(std::string_view text, size_t* bad_offset = nullptr);

// The URL- and file-safe alphabet ('-' and '_' for '+' and '/'), padded: Go's base64.URLEncoding,
// which Loki's ruler uses for the namespace and group names in object keys.
std::string base64url_encode(std::string_view data);
// Strict, as Go's base64.URLEncoding.DecodeString (padding required).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace util
