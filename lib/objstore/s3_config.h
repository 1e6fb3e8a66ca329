// S3Config: everything the S3 backend needs to reach a bucket (endpoint, region, credentials,
// addressing style, TLS, timeouts, retries), how it is filled from the AWS_* environment, and
// the s3://bucket/prefix URLs the CLI tools take (`--store s3://bucket/prefix`).
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "httpclient/http_request.h"
#include "util/result.h"

namespace objstore {

// Retries of one request after a retryable failure (5xx, 429, SlowDown, RequestTimeout,
// InternalError, a connection error or timeout, a truncated body), with exponential backoff and
// full jitter: the wait before retry n (0-based) is uniform in [0, min(max_backoff, min_backoff * 2^n)].
struct RetryOptions {
  int max_attempts = 5;          // tries of one request, the first included; 1: no retries
  int64_t min_backoff_ms = 100;
  int64_t max_backoff_ms = 5'000;
};

struct S3Config {
  // "host[:port]" or "http(s)://host[:port]"; empty: AWS itself (s3.<region>.amazonaws.com).
  std::string endpoint;
  std::string region;  // empty: AWS_REGION / AWS_DEFAULT_REGION, else us-east-1
  std::string bucket;
  std::string prefix;  // every key lives under "<prefix>/" in the bucket; "" for the whole bucket
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials (x-amz-security-token)
  // Path style (http://host/bucket/key) instead of virtual-hosted (http://bucket.host/key).
  // Path style is also used, whatever this says, for IP-address and "localhost" endpoints and
  // for bucket names with a '.' over https (they would not match the certificate).
  bool force_path_style = false;
  bool insecure = false;  // an endpoint without a scheme speaks http instead of https (Loki's `insecure`)
  httpclient::TlsClientOptions tls;  // CA file, client certificate and key, insecure_skip_verify
  int64_t request_timeout_ms = 60'000;  // one request, body included; a slower one is retried
  int64_t connect_timeout_ms = 5'000;
  RetryOptions retry;
  int list_page_size = 1000;     // ListObjectsV2 max-keys, 1..1000
  int delete_batch_size = 1000;  // keys per DeleteObjects request, 1..1000
  size_t max_idle_connections = 16;  // kept-alive connections kept for reuse
  int max_parallel_uploads = 8;      // PutObject requests put_many() sends at once, 1..64
  // "host:port" every request connects to whatever host its URL names (curl's CONNECT_TO), e.g.
  // to reach a virtual-hosted endpoint through a tunnel or a test server; empty: DNS as usual.
  std::string connect_to;
};

// The endpoint as the client uses it.
struct S3Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6 literals
  int port = 0;        // 0: the scheme's default
  bool path_style = false;

  // "host[:port]" as sent in the Host header (the port only when not the scheme's default).
  std::string authority(std::string_view bucket_label) const;
};

util::Result<S3Endpoint> resolve_endpoint(const S3Config& config);

// Checks every field (bucket name rules, page and batch sizes, timeouts, retry settings,
// credentials present); errors name the field.
util::Status validate(const S3Config& config);

// The environment as a lookup, so tests can pass their own.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_environment();

// Fills what the config leaves empty from the environment, as the AWS SDKs do:
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (only when the config names no
// access key: a token never pairs with another key), AWS_REGION or AWS_DEFAULT_REGION,
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_CA_BUNDLE. The region defaults to us-east-1.
void apply_environment(S3Config& config, const EnvLookup& env);

// "s3://bucket" or "s3://bucket/some/prefix" (a trailing '/' is dropped). Only the bucket and
// prefix come from the URL; everything else stays default.
util::Result<S3Config> parse_s3_url(std::string_view url);

// parse_s3_url + apply_environment + validate: what `--store s3://bucket/prefix` means.
util::Result<S3Config> s3_config_from_url(std::string_view url, const EnvLookup& env);

// "s3://bucket/prefix (http://127.0.0.1:9000)": for messages.
std::string describe(const S3Config& config);

}  // namespace objstore
