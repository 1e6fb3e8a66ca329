// AWS Signature Version 4 for S3 requests, computed here (OpenSSL SHA-256 and HMAC) rather than
// by libcurl: curl 7.88's CURLOPT_AWS_SIGV4 neither sorts the query string nor adds
// x-amz-content-sha256 (see docs/objstore.md). Proven against AWS's published test vectors
// (tests/objstore/testdata/sigv4_vectors.txt) and, end to end, against botocore.
//
// S3's flavour of the canonical request: the URI path is signed exactly as sent (encoded once,
// never normalized); query names and values are URI-encoded, sorted, and written "name=" when
// empty; header values are trimmed with inner runs of spaces collapsed.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace objstore {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials: sent (and signed) as x-amz-security-token
};

using NameValues = std::vector<std::pair<std::string, std::string>>;

struct SigningRequest {
  std::string method;         // "GET", "PUT", ...
  std::string canonical_uri;  // the path as sent, percent-encoded once: "/bucket/a%20b"
  NameValues query;           // decoded names and values, any order
  NameValues headers;         // every header to sign (host and x-amz-date included), any case/order
  std::string payload_hash;   // lower-case hex SHA-256 of the body
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-content-sha256;x-amz-date"
  std::string signature;       // lower-case hex
  std::string authorization;   // the Authorization header's value
};

// Signs `request` for `region` and `service` at `amz_date` ("20150830T123600Z").
Signature sign_v4(const SigningRequest& request, const Credentials& credentials, std::string_view region,
                  std::string_view service, std::string_view amz_date);

// The canonical query string, which is also what the client sends: each name and value
// URI-encoded (RFC 3986 unreserved characters kept, everything else %XX, '/' included), sorted
// by name then value, "name=" for an empty value, joined by '&'.
std::string canonical_query_string(const NameValues& query);

// The path of an object key as sent and signed: each byte but unreserved ones and '/' %XX-encoded.
std::string encode_key_path(std::string_view key);

// "YYYYMMDDTHHMMSSZ" for Unix nanoseconds (UTC).
std::string amz_date_of(int64_t unix_ns);

std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
// Base64 of the MD5 of `data`: S3's Content-MD5 (required by DeleteObjects).
std::string content_md5(std::string_view data);

}  // namespace objstore
