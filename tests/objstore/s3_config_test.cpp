#include <doctest/doctest.h>

#include <map>
#include <set>

#include "objstore/open_bucket.h"
#include "objstore/s3_config.h"
#include "objstore/s3_retry.h"

using util::ErrorCode;

namespace {

objstore::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("s3 config: s3://bucket/prefix URLs") {
  auto c = objstore::parse_s3_url("s3://my-bucket/logs/prod/");
  REQUIRE(c.ok());
  CHECK(c->bucket == "my-bucket");
  CHECK(c->prefix == "logs/prod");
  CHECK(objstore::parse_s3_url("s3://my-bucket").value().prefix.empty());
  CHECK(objstore::parse_s3_url("s3://my-bucket/").value().prefix.empty());
  for (const char* bad : {"http://b/x", "s3://", "s3://Bad_Bucket/x", "s3://ab", "s3://b..c", "s3://bucket/a//b",
                          "s3://bucket/x?region=eu", "s3://bucket/../x", "s3://-bucket"}) {
    CAPTURE(bad);
    CHECK(objstore::parse_s3_url(bad).code() == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("s3 config: the AWS_* environment fills what the config leaves empty") {
  auto c = objstore::s3_config_from_url("s3://bucket/p", env_of({{"AWS_ACCESS_KEY_ID", "AK"},
                                                                  {"AWS_SECRET_ACCESS_KEY", "SK"},
                                                                  {"AWS_SESSION_TOKEN", "TOK"},
                                                                  {"AWS_REGION", "eu-west-1"},
                                                                  {"AWS_DEFAULT_REGION", "us-west-2"},
                                                                  {"AWS_ENDPOINT_URL", "http://127.0.0.1:9000"},
                                                                  {"AWS_CA_BUNDLE", "/etc/ca.pem"}}));
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->access_key_id == "AK");
  CHECK(c->secret_access_key == "SK");
  CHECK(c->session_token == "TOK");
  CHECK(c->region == "eu-west-1");
  CHECK(c->endpoint == "http://127.0.0.1:9000");
  CHECK(c->tls.ca_file == "/etc/ca.pem");

  // The S3-specific endpoint wins; the region falls back to AWS_DEFAULT_REGION, then us-east-1.
  objstore::S3Config d;
  objstore::apply_environment(d, env_of({{"AWS_ENDPOINT_URL", "http://a"}, {"AWS_ENDPOINT_URL_S3", "http://b"},
                                         {"AWS_DEFAULT_REGION", "us-west-2"}}));
  CHECK(d.endpoint == "http://b");
  CHECK(d.region == "us-west-2");
  objstore::S3Config e;
  objstore::apply_environment(e, env_of({}));
  CHECK(e.region == "us-east-1");

  // Credentials in the config are kept whole: no token from the environment joins them.
  objstore::S3Config f;
  f.access_key_id = "CFG";
  f.secret_access_key = "CFGSECRET";
  objstore::apply_environment(f, env_of({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SESSION_TOKEN", "TOK"}}));
  CHECK(f.access_key_id == "CFG");
  CHECK(f.session_token.empty());

  auto missing = objstore::s3_config_from_url("s3://bucket", env_of({{"AWS_ACCESS_KEY_ID", "AK"}}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("no secret access key") != std::string::npos);
  CHECK(missing.error().find("AWS_SECRET_ACCESS_KEY") != std::string::npos);
}

TEST_CASE("s3 config: endpoints and addressing style") {
  objstore::S3Config c;
  c.bucket = "my-bucket";
  c.region = "eu-central-1";
  auto aws = objstore::resolve_endpoint(c).value();
  CHECK(aws.scheme == "https");
  CHECK(aws.host == "s3.eu-central-1.amazonaws.com");
  CHECK_FALSE(aws.path_style);
  CHECK(aws.authority("my-bucket") == "my-bucket.s3.eu-central-1.amazonaws.com");

  c.endpoint = "minio.local:9000";
  auto minio = objstore::resolve_endpoint(c).value();
  CHECK(minio.scheme == "https");
  CHECK(minio.port == 9000);
  c.insecure = true;
  CHECK(objstore::resolve_endpoint(c).value().scheme == "http");
  c.force_path_style = true;
  CHECK(objstore::resolve_endpoint(c).value().path_style);
  c.force_path_style = false;

  c.endpoint = "http://127.0.0.1:4569/";
  auto local = objstore::resolve_endpoint(c).value();
  CHECK(local.path_style);  // an IP address cannot carry the bucket as a subdomain
  CHECK(local.authority("") == "127.0.0.1:4569");
  c.endpoint = "https://[::1]:8443";
  auto v6 = objstore::resolve_endpoint(c).value();
  CHECK(v6.host == "::1");
  CHECK(v6.path_style);
  CHECK(v6.authority("") == "[::1]:8443");
  c.endpoint = "https://s3.example.com:443";
  CHECK(objstore::resolve_endpoint(c).value().authority("") == "s3.example.com");  // the default port is not sent
  c.bucket = "dotted.bucket";
  CHECK(objstore::resolve_endpoint(c).value().path_style);  // would not match *.s3.example.com

  for (const char* bad : {"ftp://host", "http://host/path", "http://host:99999", "http://:80", "http://host:"}) {
    CAPTURE(bad);
    c.endpoint = bad;
    CHECK(objstore::resolve_endpoint(c).code() == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("s3 config: validate names the field") {
  objstore::S3Config c;
  c.bucket = "bucket";
  c.region = "us-east-1";
  c.access_key_id = "a";
  c.secret_access_key = "s";
  CHECK(objstore::validate(c).ok());
  auto bad = [&](auto change, const char* words) {
    objstore::S3Config d = c;
    change(d);
    auto s = objstore::validate(d);
    CAPTURE(words);
    CHECK(s.code() == ErrorCode::kInvalidArgument);
    CHECK(s.error().find(words) != std::string::npos);
  };
  bad([](auto& d) { d.list_page_size = 1001; }, "list page size");
  bad([](auto& d) { d.delete_batch_size = 0; }, "delete batch size");
  bad([](auto& d) { d.retry.max_attempts = 0; }, "max_attempts");
  bad([](auto& d) { d.retry.min_backoff_ms = 10; d.retry.max_backoff_ms = 5; }, "backoff");
  bad([](auto& d) { d.request_timeout_ms = 0; }, "request timeout");
  bad([](auto& d) { d.tls.cert_file = "c.pem"; }, "client certificate");
  bad([](auto& d) { d.bucket = ""; }, "bucket");
  bad([](auto& d) { d.prefix = "a//b"; }, "prefix");
  bad([](auto& d) { d.secret_access_key = ""; }, "no secret access key");
}

TEST_CASE("store locations: directories, file:// and s3://") {
  auto dir = objstore::parse_store_location("/var/lib/logd", env_of({}));
  REQUIRE(dir.ok());
  CHECK(dir->kind == objstore::StoreLocation::Kind::kFilesystem);
  CHECK(dir->directory == "/var/lib/logd");
  CHECK(objstore::parse_store_location("file:///data", env_of({})).value().directory == "/data");
  auto s3 = objstore::parse_store_location("s3://chunks/tenant-a",
                                           env_of({{"AWS_ACCESS_KEY_ID", "a"}, {"AWS_SECRET_ACCESS_KEY", "s"}}));
  REQUIRE_MESSAGE(s3.ok(), s3.error());
  CHECK(s3->kind == objstore::StoreLocation::Kind::kS3);
  CHECK(s3->s3.bucket == "chunks");
  auto bucket = objstore::open_bucket(*s3);
  REQUIRE(bucket.ok());
  CHECK((*bucket)->name() == "s3://chunks/tenant-a");
  CHECK(objstore::parse_store_location("gs://x", env_of({})).code() == ErrorCode::kInvalidArgument);
  CHECK(objstore::parse_store_location("s3://chunks", env_of({})).code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("s3 retry: full-jitter backoff stays within its doubling, capped bound") {
  objstore::Backoff b({5, 100, 1000}, 42);
  CHECK(b.cap_ns(0) == 100'000'000);
  CHECK(b.cap_ns(1) == 200'000'000);
  CHECK(b.cap_ns(3) == 800'000'000);
  CHECK(b.cap_ns(4) == 1'000'000'000);
  CHECK(b.cap_ns(60) == 1'000'000'000);  // no overflow however many retries
  std::set<int64_t> seen;
  for (int retry = 0; retry < 6; ++retry) {
    for (int i = 0; i < 50; ++i) {
      int64_t d = b.delay_ns(retry);
      CHECK(d >= 0);
      CHECK(d <= b.cap_ns(retry));
      seen.insert(d);
    }
  }
  CHECK(seen.size() > 100);  // jittered, not a fixed schedule
  objstore::Backoff none({3, 0, 0}, 1);
  CHECK(none.delay_ns(2) == 0);
}

TEST_CASE("s3 retry: which answers are retried") {
  auto verdict = [](int status, std::string body, std::string error = "") {
    httpclient::Response r;
    r.status = status;
    r.body = std::move(body);
    r.error = std::move(error);
    return objstore::classify_attempt(r, "GET");
  };
  auto xml = [](const char* code) { return std::string("<Error><Code>") + code + "</Code></Error>"; };
  using V = objstore::AttemptVerdict;
  CHECK(verdict(200, "ok").kind == V::kDone);
  CHECK(verdict(503, xml("SlowDown")).kind == V::kRetry);
  CHECK(verdict(500, xml("InternalError")).kind == V::kRetry);
  CHECK(verdict(502, "<html>bad gateway</html>").kind == V::kRetry);
  CHECK(verdict(429, "").kind == V::kRetry);
  CHECK(verdict(400, xml("RequestTimeout")).kind == V::kRetry);
  CHECK(verdict(0, "", "Connection refused").kind == V::kRetry);
  CHECK(verdict(404, xml("NoSuchKey")).kind == V::kFail);
  CHECK(verdict(404, xml("NoSuchBucket")).code == ErrorCode::kNotFound);
  CHECK(verdict(403, xml("AccessDenied")).code == ErrorCode::kPermissionDenied);
  CHECK(verdict(403, xml("InvalidAccessKeyId")).code == ErrorCode::kUnauthenticated);
  CHECK(verdict(403, xml("SignatureDoesNotMatch")).code == ErrorCode::kUnauthenticated);
  CHECK(verdict(403, xml("SignatureDoesNotMatch")).kind == V::kFail);
  CHECK(verdict(403, "").code == ErrorCode::kPermissionDenied);  // HEAD: no body, no code
  auto html = verdict(502, "<html>\n<body>Bad Gateway</body></html>");
  CHECK(html.detail.find("Bad Gateway") != std::string::npos);
}
