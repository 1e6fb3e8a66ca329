// How the S3 client judges one HTTP attempt (done, worth retrying, or final) and how long it
// waits before the next: exponential backoff with full jitter, as AWS recommends ("Exponential
// Backoff And Jitter"), so many clients hit by the same outage do not retry in step.
//
// classify_attempt is a pure function. Backoff is thread-safe (its generator is locked).
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "httpclient/http_request.h"
#include "objstore/bucket_metrics.h"
#include "objstore/s3_config.h"
#include "util/result.h"

namespace objstore {

struct AttemptVerdict {
  enum Kind { kDone, kRetry, kFail } kind = kDone;
  Outcome outcome = Outcome::kSuccess;           // what /metrics counts
  util::ErrorCode code = util::ErrorCode::kInternal;  // the error when this is the last attempt
  std::string s3_code;  // "SlowDown", "NoSuchKey", ... when the answer said
  std::string detail;   // "503 SlowDown: Please reduce your request rate. (request id R)", "timed out", ...
};

// S3 error codes that are worth retrying whatever the HTTP status says.
bool is_retryable_s3_code(std::string_view code);

// Judges `response` to a request made with `method`. A 2xx answer whose body is shorter than its
// Content-Length is truncated: retried, and kCorruption in the end.
AttemptVerdict classify_attempt(const httpclient::Response& response, std::string_view method);

class Backoff {
 public:
  Backoff(const RetryOptions& options, uint64_t seed) : options_(options), rng_(seed) {}
  // The wait before retry `retry` (0 for the first retry), in nanoseconds.
  int64_t delay_ns(int retry);
  // The most delay_ns(retry) can be.
  int64_t cap_ns(int retry) const;

 private:
  RetryOptions options_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace objstore
