#include "objstore/s3_client.h"

#include <atomic>
#include <random>

namespace objstore {

const char* operation_name(S3Operation op) {
  switch (op) {
    case S3Operation::kPutObject: return "PutObject";
    case S3Operation::kGetObject: return "GetObject";
    case S3Operation::kHeadObject: return "HeadObject";
    case S3Operation::kListObjectsV2: return "ListObjectsV2";
    case S3Operation::kDeleteObject: return "DeleteObject";
    case S3Operation::kDeleteObjects: return "DeleteObjects";
  }
  return "?";
}

namespace {

S3Endpoint resolved(const S3Config& config) {
  auto e = resolve_endpoint(config);
  if (!e.ok()) throw std::invalid_argument("S3Client: invalid endpoint (validate the config first): " + e.error());
  return *e;
}

uint64_t random_seed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

S3Client::S3Client(S3Config config, util::Clock& clock)
    : config_(std::move(config)),
      endpoint_(resolved(config_)),
      clock_(clock),
      pool_(config_.max_idle_connections),
      backoff_(config_.retry, random_seed()),
      metrics_({"PutObject", "GetObject", "HeadObject", "ListObjectsV2", "DeleteObject", "DeleteObjects"}) {}

S3Client::Prepared S3Client::prepare(const S3Request& request, std::string_view payload_hash, int64_t now_ns) const {
  std::string host = endpoint_.authority(endpoint_.path_style ? "" : config_.bucket);
  std::string path = endpoint_.path_style ? "/" + config_.bucket : "";
  if (!request.key.empty()) {
    path += "/" + request.key;
  } else if (path.empty()) {
    path = "/";
  }
  std::string canonical_uri = encode_key_path(path);
  std::string query = canonical_query_string(request.query);

  std::string amz_date = amz_date_of(now_ns);
  SigningRequest signing;
  signing.method = request.method;
  signing.canonical_uri = canonical_uri;
  signing.query = request.query;
  signing.payload_hash = std::string(payload_hash);
  signing.headers = {{"host", host}, {"x-amz-date", amz_date}, {"x-amz-content-sha256", std::string(payload_hash)}};
  if (!config_.session_token.empty()) signing.headers.emplace_back("x-amz-security-token", config_.session_token);
  for (const auto& h : request.headers) signing.headers.push_back(h);

  Prepared p;
  p.signature = sign_v4(signing, {config_.access_key_id, config_.secret_access_key, config_.session_token},
                        config_.region, "s3", amz_date);
  p.url = endpoint_.scheme + "://" + host + canonical_uri + (query.empty() ? "" : "?" + query);
  for (const auto& [name, value] : signing.headers) p.headers.push_back(name + ": " + value);
  p.headers.push_back("Authorization: " + p.signature.authorization);
  p.headers.push_back("Expect:");  // no 100-continue round trip before bodies
  if (request.method == "PUT" || request.method == "POST") {
    bool has_type = false;
    for (const auto& [name, value] : request.headers) has_type |= name == "Content-Type" || name == "content-type";
    // libcurl would say application/x-www-form-urlencoded.
    if (!has_type) p.headers.push_back("Content-Type: application/octet-stream");
  }
  return p;
}

util::Result<httpclient::Response> S3Client::perform(const S3Request& request, std::stop_token stop, int also_accept) {
  const size_t op = static_cast<size_t>(request.operation);
  const std::string payload_hash = sha256_hex(request.body);
  const std::string what = std::string("s3 ") + operation_name(request.operation) + " " + config_.bucket +
                           (request.key.empty() ? "" : "/" + request.key);
  std::atomic<bool> cancel{false};
  std::stop_callback on_stop(stop, [&] { cancel = true; });

  AttemptVerdict verdict;
  int attempt = 0;
  for (;; ++attempt) {
    Prepared p = prepare(request, payload_hash, clock_.now_ns());  // signed anew: the date moves on
    httpclient::Request http;
    http.method = request.method;
    http.url = std::move(p.url);
    http.headers = std::move(p.headers);
    http.body = request.body;
    http.timeout_ms = config_.request_timeout_ms;
    http.connect_timeout_ms = config_.connect_timeout_ms;
    http.tls = config_.tls;
    http.connect_to = config_.connect_to.empty() ? "" : "::" + config_.connect_to;
    http.cancel = &cancel;
    httpclient::Response response = pool_.perform(http);
    metrics_.bytes_out(request.body.size());
    metrics_.bytes_in(response.body.size());

    verdict = classify_attempt(response, request.method);
    if (also_accept != 0 && response.transport_ok() && response.status == also_accept) {
      metrics_.request(op, verdict.outcome);
      return response;
    }
    if (cancel.load() && verdict.kind != AttemptVerdict::kDone) {
      verdict.kind = AttemptVerdict::kFail;
      verdict.outcome = Outcome::kCancelled;
      verdict.code = util::ErrorCode::kCancelled;
      verdict.detail = "cancelled";
    }
    metrics_.request(op, verdict.outcome);
    if (verdict.kind == AttemptVerdict::kDone) return response;
    if (verdict.kind == AttemptVerdict::kFail || attempt + 1 >= config_.retry.max_attempts) break;
    metrics_.retry();
    if (!clock_.sleep_for(backoff_.delay_ns(attempt), stop)) {
      verdict.code = util::ErrorCode::kCancelled;
      verdict.detail = "cancelled while waiting to retry after: " + verdict.detail;
      break;
    }
  }
  std::string message = what + ": " + verdict.detail;
  if (attempt > 0) message += " (after " + std::to_string(attempt + 1) + " attempts)";
  return util::Error{std::move(message), verdict.code};
}

}  // namespace objstore
