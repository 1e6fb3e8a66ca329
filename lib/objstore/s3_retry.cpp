#include "objstore/s3_retry.h"

#include <algorithm>
#include <charconv>

#include "objstore/s3_xml.h"

namespace objstore {
namespace {

bool is_credential_code(std::string_view code) {
  for (std::string_view c : {"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
                             "TokenRefreshRequired", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed",
                             "MissingSecurityHeader", "InvalidSecurity", "AccountProblem"}) {
    if (code == c) return true;
  }
  return false;
}

// The first bytes of a body that is not S3's XML (an HTML page from a proxy, say).
std::string excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 160)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return out;
}

}  // namespace

bool is_retryable_s3_code(std::string_view code) {
  for (std::string_view c : {"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling",
                             "ThrottlingException", "RequestThrottled", "TooManyRequestsException", "OperationAborted"}) {
    if (code == c) return true;
  }
  return false;
}

AttemptVerdict classify_attempt(const httpclient::Response& r, std::string_view method) {
  AttemptVerdict v;
  if (r.cancelled) {
    v.kind = AttemptVerdict::kFail;
    v.outcome = Outcome::kCancelled;
    v.code = util::ErrorCode::kCancelled;
    v.detail = "cancelled";
    return v;
  }
  // s3rver answers any range of an empty object with 206 "Content-Range: bytes 0-0/0" and a
  // Content-Length of 1 it never sends (real S3 says 416). The range names the object empty: no
  // truncation, and S3Bucket reads it as such.
  if (r.status == 206 && r.header("content-range").ends_with("/0")) return v;
  if (r.status / 100 == 2 && method != "HEAD") {
    std::string_view length = r.header("content-length");
    uint64_t announced = 0;
    if (!length.empty() && std::from_chars(length.data(), length.data() + length.size(), announced).ec == std::errc() &&
        r.body.size() < announced) {
      v.kind = AttemptVerdict::kRetry;
      v.outcome = Outcome::kTruncated;
      v.code = util::ErrorCode::kCorruption;
      v.detail = "truncated download: got " + std::to_string(r.body.size()) + " of " + std::to_string(announced) + " bytes";
      return v;
    }
  }
  if (!r.transport_ok()) {
    v.kind = AttemptVerdict::kRetry;
    v.outcome = Outcome::kNetworkError;
    v.code = util::ErrorCode::kUnavailable;
    v.detail = r.timed_out ? "timed out (" + r.error + ")" : r.error;
    return v;
  }
  if (r.status / 100 == 2) return v;

  std::string s3_message, request_id, endpoint;
  if (!r.body.empty()) {
    if (auto e = parse_error(r.body); e.ok()) {
      v.s3_code = e->code;
      s3_message = e->message;
      request_id = e->request_id;
      endpoint = e->endpoint;
    } else {
      s3_message = excerpt(r.body);
    }
  }
  if (request_id.empty()) request_id = std::string(r.header("x-amz-request-id"));
  v.detail = std::to_string(r.status) + (v.s3_code.empty() ? "" : " " + v.s3_code) +
             (s3_message.empty() ? "" : ": " + s3_message) + (request_id.empty() ? "" : " (request id " + request_id + ")");

  v.kind = AttemptVerdict::kFail;
  if (r.status >= 500 || r.status == 429 || is_retryable_s3_code(v.s3_code)) {
    v.kind = AttemptVerdict::kRetry;
    v.outcome = Outcome::kServerError;
    v.code = util::ErrorCode::kUnavailable;
  } else if (r.status == 404) {
    v.outcome = Outcome::kNotFound;
    v.code = util::ErrorCode::kNotFound;
  } else if (r.status == 401 || is_credential_code(v.s3_code)) {
    v.outcome = Outcome::kClientError;
    v.code = util::ErrorCode::kUnauthenticated;
  } else if (r.status == 403) {
    v.outcome = Outcome::kClientError;
    v.code = util::ErrorCode::kPermissionDenied;
    if (v.s3_code.empty()) v.detail += " (a HEAD answer carries no error code: wrong credentials or no access)";
  } else if (r.status / 100 == 3) {
    v.outcome = Outcome::kClientError;
    v.code = util::ErrorCode::kInvalidArgument;
    v.detail += endpoint.empty() ? " (the bucket is served by another endpoint or region)"
                                 : " (the bucket is served by " + endpoint + ")";
  } else if (r.status == 416) {
    v.outcome = Outcome::kClientError;
    v.code = util::ErrorCode::kInvalidArgument;
  } else {
    v.outcome = Outcome::kClientError;
    v.code = util::ErrorCode::kInternal;  // our request was wrong: a bug, not the caller's input
  }
  return v;
}

int64_t Backoff::cap_ns(int retry) const {
  int64_t cap = options_.max_backoff_ms * 1'000'000;
  int64_t d = options_.min_backoff_ms * 1'000'000;
  for (int i = 0; i < retry && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

int64_t Backoff::delay_ns(int retry) {
  int64_t cap = cap_ns(retry);
  if (cap <= 0) return 0;
  std::lock_guard lock(mu_);
  return std::uniform_int_distribution<int64_t>(0, cap)(rng_);
}

}  // namespace objstore
