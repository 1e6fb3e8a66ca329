// S3Client: one S3 request, signed (SigV4) and sent through the keep-alive connection pool,
// retried on retryable failures with backoff on the injected clock, and counted for /metrics.
// It knows addressing (path or virtual-hosted style), credentials and retries; what each
// operation sends and how its answer is read is S3Bucket's business.
//
// Thread-safe: perform() may run on many threads at once.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "httpclient/http_request.h"
#include "objstore/bucket_metrics.h"
#include "objstore/s3_config.h"
#include "objstore/s3_retry.h"
#include "objstore/sigv4.h"
#include "util/clock.h"
#include "util/result.h"

namespace objstore {

enum class S3Operation : size_t { kPutObject, kGetObject, kHeadObject, kListObjectsV2, kDeleteObject, kDeleteObjects };

struct S3Request {
  S3Operation operation = S3Operation::kGetObject;
  std::string method = "GET";
  std::string key;        // the object; "" for a request on the bucket
  NameValues query;       // decoded; sent sorted, as signed
  NameValues headers;     // sent and signed (Range, Content-MD5, ...)
  std::string_view body;  // must outlive perform()
};

class S3Client {
 public:
  // `config` must pass validate(config); `clock` stamps signatures and times retry waits.
  S3Client(S3Config config, util::Clock& clock);

  // Sends `request` until it succeeds or fails for good: the 2xx answer, or the last attempt's
  // error ("s3 GetObject bucket/key: 503 SlowDown: ... after 5 attempts"). An answer with status
  // `also_accept` (e.g. 416 for a range) is returned as it is, not as an error.
  util::Result<httpclient::Response> perform(const S3Request& request, std::stop_token stop, int also_accept = 0);

  // One attempt's URL and headers, signed at `now_ns` (exposed for tests).
  struct Prepared {
    std::string url;
    std::vector<std::string> headers;  // "Name: value", as handed to libcurl
    Signature signature;
  };
  Prepared prepare(const S3Request& request, std::string_view payload_hash, int64_t now_ns) const;

  const S3Config& config() const { return config_; }
  const S3Endpoint& endpoint() const { return endpoint_; }
  std::string endpoint_url() const { return endpoint_.scheme + "://" + endpoint_.authority(""); }
  BucketMetrics metrics() const { return metrics_.snapshot(); }
  MetricsRecorder& recorder() { return metrics_; }

 private:
  S3Config config_;
  S3Endpoint endpoint_;
  util::Clock& clock_;
  httpclient::ConnectionPool pool_;
  Backoff backoff_;
  mutable MetricsRecorder metrics_;
};

const char* operation_name(S3Operation op);

}  // namespace objstore
