// The S3 client against scripted servers: what it sends (signed as AWS defines, addressed in
// path or virtual-hosted style), and what it does with each kind of failure (retry with backoff
// on the injected clock, or fail at once with the right error code).
#include <doctest/doctest.h>

#include <future>

#include "objstore/s3_bucket.h"
#include "s3_test_servers.h"

using namespace objstore_test;
using util::ErrorCode;

namespace {

std::unique_ptr<objstore::S3Bucket> make_bucket(objstore::S3Config c, util::Clock& clock) {
  auto b = objstore::S3Bucket::create(std::move(c), clock);
  REQUIRE_MESSAGE(b.ok(), b.error());
  return std::move(*b);
}

uint64_t count(const objstore::BucketMetrics& m, const std::string& op, const std::string& outcome) {
  for (const auto& r : m.requests) {
    if (r.operation == op && r.outcome == outcome) return r.count;
  }
  return 0;
}

// Recomputes the signature of a request as the server received it, from its SignedHeaders.
std::string recomputed_signature(const http::Request& r, const std::string& secret, const std::string& region) {
  std::string auth(r.headers.get_or("Authorization", ""));
  size_t sh = auth.find("SignedHeaders=");
  REQUIRE(sh != std::string::npos);
  std::string signed_list = auth.substr(sh + 14, auth.find(',', sh) - sh - 14);
  objstore::SigningRequest s;
  s.method = r.method;
  size_t q = r.target.find('?');
  s.canonical_uri = r.target.substr(0, q);
  for (const auto& [name, value] : r.query) s.query.emplace_back(name, value);
  size_t start = 0;
  while (start < signed_list.size()) {
    size_t end = signed_list.find(';', start);
    if (end == std::string::npos) end = signed_list.size();
    std::string name = signed_list.substr(start, end - start);
    s.headers.emplace_back(name, std::string(r.headers.get_or(name, "")));
    start = end + 1;
  }
  s.payload_hash = std::string(r.headers.get_or("x-amz-content-sha256", ""));
  std::string date(r.headers.get_or("x-amz-date", ""));
  return objstore::sign_v4(s, {"AKIDTEST", secret, ""}, region, "s3", date).signature;
}

}  // namespace

TEST_CASE("s3 client: requests are signed with the payload hash, sorted query and the session token") {
  ScriptedS3 server;
  server.fallback(answer_with(http::Response::text(200, "")));
  util::FakeClock clock(1'440'938'160'000'000'000);  // 2015-08-30T12:36:00Z
  auto config = server.config();
  config.session_token = "token/with=chars";
  auto bucket = make_bucket(config, clock);

  REQUIRE(bucket->put("dir/sp ace+plus=eq:colon", "payload bytes").ok());
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  const http::Request& put = reqs[0];
  CHECK(put.method == "PUT");
  CHECK(put.target == "/test-bucket/dir/sp%20ace%2Bplus%3Deq%3Acolon");
  CHECK(put.body == "payload bytes");
  CHECK(put.headers.get_or("x-amz-content-sha256", "") == objstore::sha256_hex("payload bytes"));
  CHECK(put.headers.get_or("x-amz-date", "") == "20150830T123600Z");
  CHECK(put.headers.get_or("x-amz-security-token", "") == "token/with=chars");
  CHECK(put.headers.get_or("Host", "") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(put.headers.get_or("Content-Type", "") == "application/octet-stream");
  CHECK_FALSE(put.headers.has("Expect"));
  std::string auth(put.headers.get_or("Authorization", ""));
  CHECK(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/20150830/us-east-1/s3/aws4_request, "
                         "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="));
  CHECK(auth.ends_with(recomputed_signature(put, "secret/with+chars", "us-east-1")));

  // A listing's query: sorted, every value encoded, '+' and '=' in a prefix included.
  server.fallback(answer_with(http::Response::text(
      200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>")));
  REQUIRE(bucket->list({"a+b=c/d e", "/", "a+b=c/d e/x"}, [](const objstore::ListEntry&) { return true; }).ok());
  reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].target == "/test-bucket?delimiter=%2F&list-type=2&max-keys=1000&prefix=a%2Bb%3Dc%2Fd%20e&"
                          "start-after=a%2Bb%3Dc%2Fd%20e%2Fx");
  CHECK(std::string(reqs[1].headers.get_or("Authorization", "")).ends_with(recomputed_signature(reqs[1], "secret/with+chars", "us-east-1")));
  CHECK(reqs[1].headers.get_or("x-amz-content-sha256", "") == objstore::sha256_hex(""));
}

TEST_CASE("s3 client: virtual-hosted style puts the bucket in the Host header") {
  ScriptedS3 server;
  server.fallback(answer_with(http::Response::text(200, "hello")));
  util::FakeClock clock;
  auto config = server.config("vhost-bucket");
  config.endpoint = "http://s3.test.invalid:" + std::to_string(server.port());
  config.connect_to = "127.0.0.1:" + std::to_string(server.port());
  auto bucket = make_bucket(config, clock);
  CHECK_FALSE(bucket->client().endpoint().path_style);
  auto got = bucket->get("k/1");
  REQUIRE_MESSAGE(got.ok(), got.error());
  CHECK(*got == "hello");
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].target == "/k/1");
  CHECK(reqs[0].headers.get_or("Host", "") == "vhost-bucket.s3.test.invalid:" + std::to_string(server.port()));
  CHECK(std::string(reqs[0].headers.get_or("Authorization", "")).ends_with(recomputed_signature(reqs[0], "secret/with+chars", "us-east-1")));
}

TEST_CASE("s3 client: 503 SlowDown, 500, 429 and RequestTimeout are retried with waits on the clock") {
  ScriptedS3 server;
  util::FakeClock clock;
  auto bucket = make_bucket(server.config(), clock);
  server.script({answer_with(s3_error(503, "SlowDown", "Please reduce your request rate.")),
                 answer_with(s3_error(500, "InternalError")), answer_with(s3_error(429, "TooManyRequests")),
                 answer_with(http::Response::text(200, "finally"))});
  auto result = std::async(std::launch::async, [&] { return bucket->get("k"); });
  // The client waits on the injected clock: nothing moves until the clock does.
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(server.request_count() == 1);
  {
    ClockPusher pusher(clock);
    auto got = result.get();
    REQUIRE_MESSAGE(got.ok(), got.error());
    CHECK(*got == "finally");
  }
  CHECK(server.request_count() == 4);
  auto m = bucket->metrics();
  CHECK(m.retries == 3);
  CHECK(count(m, "GetObject", "server_error") == 3);
  CHECK(count(m, "GetObject", "success") == 1);

  // S3's RequestTimeout comes as a 400: retried all the same.
  server.script({answer_with(s3_error(400, "RequestTimeout")), answer_with(http::Response::text(200, ""))});
  ClockPusher pusher(clock);
  CHECK(bucket->put("k", "v").ok());
}

TEST_CASE("s3 client: retries end after max_attempts with kUnavailable naming the S3 error") {
  ScriptedS3 server;
  server.fallback(answer_with(s3_error(503, "SlowDown", "Please reduce your request rate.")));
  util::FakeClock clock;
  ClockPusher pusher(clock);
  auto bucket = make_bucket(server.config(), clock);
  auto got = bucket->get("a/key");
  REQUIRE_FALSE(got.ok());
  CHECK(got.code() == ErrorCode::kUnavailable);
  CHECK(got.error().find("test-bucket/a/key") != std::string::npos);
  CHECK(got.error().find("503 SlowDown: Please reduce your request rate. (request id REQ123)") != std::string::npos);
  CHECK(got.error().find("after 4 attempts") != std::string::npos);
  CHECK(server.request_count() == 4);
}

TEST_CASE("s3 client: 4xx answers fail at once with their error code") {
  struct Case {
    int status;
    const char* s3_code;
    ErrorCode want;
  };
  for (const Case& c : {Case{404, "NoSuchKey", ErrorCode::kNotFound}, Case{404, "NoSuchBucket", ErrorCode::kNotFound},
                        Case{403, "AccessDenied", ErrorCode::kPermissionDenied},
                        Case{403, "InvalidAccessKeyId", ErrorCode::kUnauthenticated},
                        Case{403, "SignatureDoesNotMatch", ErrorCode::kUnauthenticated},
                        Case{400, "InvalidArgument", ErrorCode::kInternal},
                        Case{301, "PermanentRedirect", ErrorCode::kInvalidArgument}}) {
    CAPTURE(c.s3_code);
    ScriptedS3 server;
    server.fallback(answer_with(s3_error(c.status, c.s3_code)));
    util::FakeClock clock;  // never advanced: a retry would hang the test
    auto bucket = make_bucket(server.config(), clock);
    auto got = bucket->get("k");
    REQUIRE_FALSE(got.ok());
    CHECK(got.code() == c.want);
    CHECK(got.error().find(c.s3_code) != std::string::npos);
    CHECK(server.request_count() == 1);
    CHECK(bucket->metrics().retries == 0);
  }
}

TEST_CASE("s3 client: a server hanging past the request timeout is retried, then kUnavailable") {
  ScriptedS3 server;
  server.fallback(server.hang());
  util::FakeClock clock;
  ClockPusher pusher(clock);
  auto config = server.config();
  config.request_timeout_ms = 300;
  config.retry.max_attempts = 2;
  auto bucket = make_bucket(config, clock);
  auto got = bucket->get("slow");
  server.release();
  REQUIRE_FALSE(got.ok());
  CHECK(got.code() == ErrorCode::kUnavailable);
  CHECK(got.error().find("timed out") != std::string::npos);
  CHECK(got.error().find("after 2 attempts") != std::string::npos);
  CHECK(count(bucket->metrics(), "GetObject", "network_error") == 2);
}

TEST_CASE("s3 client: reset connections are retried; refused ones too, then kUnavailable") {
  RawServer raw({RawServer::reset, RawServer::reset,
                 RawServer::reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")});
  util::FakeClock clock;
  ClockPusher pusher(clock);
  ScriptedS3 unused;
  auto config = unused.config();
  config.endpoint = "http://127.0.0.1:" + std::to_string(raw.port());
  auto bucket = make_bucket(config, clock);
  auto got = bucket->get("k");
  REQUIRE_MESSAGE(got.ok(), got.error());
  CHECK(*got == "ok");
  CHECK(raw.connections() == 3);
  CHECK(count(bucket->metrics(), "GetObject", "network_error") == 2);

  config.endpoint = "http://127.0.0.1:1";  // nothing listens there
  auto refused = make_bucket(config, clock)->put("k", "v");
  CHECK(refused.code() == ErrorCode::kUnavailable);
  CHECK(refused.error().find("after 4 attempts") != std::string::npos);
}

TEST_CASE("s3 client: a body shorter than its Content-Length is retried, and kCorruption in the end") {
  util::FakeClock clock;
  ClockPusher pusher(clock);
  ScriptedS3 unused;
  auto config = unused.config();
  config.retry.max_attempts = 3;
  {
    RawServer raw({RawServer::truncated(100, 40),
                   RawServer::reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nwhole")});
    config.endpoint = "http://127.0.0.1:" + std::to_string(raw.port());
    auto bucket = make_bucket(config, clock);
    auto got = bucket->get("k");
    REQUIRE_MESSAGE(got.ok(), got.error());
    CHECK(*got == "whole");
    CHECK(count(bucket->metrics(), "GetObject", "truncated") == 1);
  }
  RawServer raw({RawServer::truncated(100, 40), RawServer::truncated(100, 40), RawServer::truncated(100, 40)});
  config.endpoint = "http://127.0.0.1:" + std::to_string(raw.port());
  auto got = make_bucket(config, clock)->get("k");
  REQUIRE_FALSE(got.ok());
  CHECK(got.code() == ErrorCode::kCorruption);
  CHECK(got.error().find("got 40 of 100 bytes") != std::string::npos);
  CHECK(raw.connections() == 3);
}

TEST_CASE("s3 client: a stop request ends a retry wait with kCancelled") {
  ScriptedS3 server;
  server.fallback(answer_with(s3_error(503, "SlowDown")));
  util::FakeClock clock;  // never advanced: only the stop ends the wait
  auto bucket = make_bucket(server.config(), clock);
  std::stop_source stop;
  auto result = std::async(std::launch::async, [&] { return bucket->get("k", stop.get_token()); });
  REQUIRE(clock.wait_for_sleepers(1));
  stop.request_stop();
  auto got = result.get();
  CHECK(got.code() == ErrorCode::kCancelled);
  CHECK(server.request_count() == 1);

  // And a stop during a hanging request abandons it.
  ScriptedS3 hanging;
  hanging.fallback(hanging.hang());
  auto slow = make_bucket(hanging.config(), clock);
  std::stop_source stop2;
  auto pending = std::async(std::launch::async, [&] { return slow->get("k", stop2.get_token()); });
  while (hanging.request_count() == 0) std::this_thread::yield();
  stop2.request_stop();
  CHECK(pending.get().code() == ErrorCode::kCancelled);
  hanging.release();
}

TEST_CASE("s3 client: check names the bucket and S3's error code") {
  ScriptedS3 server;
  util::FakeClock clock;
  auto bucket = make_bucket(server.config("missing-bucket"), clock);
  server.script({answer_with(s3_error(404, "NoSuchBucket", "The specified bucket does not exist"))});
  auto s = bucket->check();
  CHECK(s.code() == ErrorCode::kNotFound);
  CHECK(s.error().find("\"missing-bucket\"") != std::string::npos);
  CHECK(s.error().find("NoSuchBucket") != std::string::npos);
  CHECK(s.error().find(server.endpoint()) != std::string::npos);

  server.script({answer_with(s3_error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist"))});
  s = bucket->check();
  CHECK(s.code() == ErrorCode::kUnauthenticated);
  CHECK(s.error().find("InvalidAccessKeyId") != std::string::npos);
  CHECK(server.request_count() == 2);  // no retries for either

  server.script({answer_with(http::Response::text(200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"))});
  CHECK(bucket->check().ok());
  CHECK(server.requests().back().target == "/missing-bucket?list-type=2&max-keys=1");
}
